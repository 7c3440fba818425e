package io.payable.lora.payment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployer;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.contracts.generated.OpenToken;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.client.PayingClient;
import io.payable.lora.http.WorkerHttpServer;
import io.payable.lora.metering.MemoryEventSink;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.WorkerConfig;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.SyntheticCheckpoints;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventCodec;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;

/**
 * A worker that serves paid requests only, against ConsumerEscrow on anvil: paid requests are
 * served and their events carry the voucher; each 402 reason comes from a crafted request;
 * concurrent requests of one consumer never spend more than its voucher; a streamed chat completion
 * arrives token by token with its charge in its last chunk, accounted as when not streamed.
 */
class PaidWorkerITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SyntheticCheckpoints.Spec SPEC =
      new SyntheticCheckpoints.Spec(257, 32, 64, 2, 4, 2, 128);
  private static final BigInteger PRICE = BigInteger.valueOf(3);
  private static final int MAX_TOKENS = 8;
  private static final BigInteger MAX_FEE = PRICE.multiply(BigInteger.valueOf(MAX_TOKENS));
  private static final int ALICE = 5;
  private static final int BOB = 6;
  private static final int CAROL = 7;
  private static final int DAVE = 8;
  private static final int ERIN = 9;

  @TempDir static Path dir;

  private static Deployment deployment;
  private static ChainClient chain;
  private static Eip712Domain domain;
  private static MemoryEventSink sink;
  private static LoraWorker worker;
  private static WorkerHttpServer http;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    chain = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    DeployConfig config =
        DeployConfig.localDefaults()
            .withRoles(
                ANVIL.chain().account(0).address(),
                ANVIL.chain().account(1).address(),
                ANVIL.chain().account(2).address(),
                ANVIL.chain().account(3).address());
    deployment = new Deployer(chain, ANVIL.chain().account(0).credentials()).deploy(config);
    OpenToken token =
        OpenToken.load(
            deployment.openToken(),
            ANVIL.web3j(),
            chain.transactionManager(ANVIL.chain().account(0).credentials()),
            chain.gasProvider());
    for (int c : new int[] {ALICE, BOB, CAROL, DAVE, ERIN}) {
      token.transfer(ANVIL.chain().account(c).address(), BigInteger.valueOf(1_000_000)).send();
    }
    escrow(ALICE).deposit(BigInteger.valueOf(10_000));
    // Bob's deposit covers less than one request's maximum fee.
    escrow(BOB).deposit(MAX_FEE.subtract(BigInteger.ONE));
    escrow(CAROL).deposit(BigInteger.valueOf(10_000));
    escrow(DAVE).depositWithPermit(BigInteger.valueOf(10_000), farExpiry());
    escrow(ERIN).deposit(BigInteger.valueOf(10_000));
    domain = escrow(ALICE).voucherDomain();

    Path base = dir.resolve("base");
    Path adapters = dir.resolve("adapters");
    ModelConfig model = SyntheticCheckpoints.writeBase(base, SPEC, 1);
    SyntheticCheckpoints.writeAdapter(
        adapters.resolve("ad-0"), model, 2, 16, EnumSet.allOf(Projection.class), 0);
    sink = new MemoryEventSink();
    worker =
        new LoraWorker(
            WorkerConfig.builder()
                .baseDir(base)
                .adaptersDir(adapters)
                .deviceSlots(2)
                .cpuAdapters(3)
                .maxRank(8)
                .scheduler(SchedulerConfig.builder().maxRunning(8).build())
                .defaultPriceWei(PRICE)
                .servedModelName("tiny-base")
                .build(),
            ECKeyPair.create(BigInteger.valueOf(0xC0FFEEL)),
            sink);
    // Staleness 0: every request reads the escrow, so the test sees deposits at once.
    worker.payments(ChainPayments.gate(chain, deployment, Duration.ZERO));
    http = new WorkerHttpServer(worker, "127.0.0.1", 0, 16);
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
    }
    if (worker != null) {
      worker.close();
    }
  }

  private static EscrowClient escrow(int account) {
    return EscrowClient.connect(chain, deployment, ANVIL.chain().account(account).credentials());
  }

  private static Credentials key(int account) {
    return ANVIL.chain().account(account).credentials();
  }

  private static String voucher(
      Eip712Domain in, int signer, int consumer, BigInteger amount, long expiry) {
    return SignedVoucher.sign(
            in, new Voucher(key(consumer).getAddress(), amount, expiry), key(signer))
        .toHeader();
  }

  private static String voucher(int consumer, BigInteger amount) {
    return voucher(domain, consumer, consumer, amount, farExpiry());
  }

  private static long farExpiry() {
    return java.time.Instant.now().getEpochSecond() + 3_600;
  }

  private static HttpResponse<String> complete(String voucherHeader) throws Exception {
    return completeAsync(voucherHeader).get();
  }

  private static CompletableFuture<HttpResponse<String>> completeAsync(String voucherHeader) {
    String body =
        JSON.createObjectNode()
            .put("model", "ad-0")
            .put("prompt", "hello")
            .put("max_tokens", MAX_TOKENS)
            .put("temperature", 0.0)
            .toString();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/v1/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (voucherHeader != null) {
      req.header(SignedVoucher.HEADER, voucherHeader);
    }
    return CLIENT.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertPaymentRequired(HttpResponse<String> r, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(402);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("type").asText()).isEqualTo("payment_required");
    assertThat(error.path("message").asText()).isNotBlank();
  }

  private static List<InferenceEvent> eventsOf(int consumer) {
    String address = key(consumer).getAddress().toLowerCase(Locale.ROOT);
    return sink.events().stream().filter(e -> e.consumer().equals(address)).toList();
  }

  @Test
  void paidRequestsAreServedAndTheirEventsCarryTheVoucher() throws Exception {
    String first = voucher(ALICE, MAX_FEE);
    HttpResponse<String> r = complete(first);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode pay = JSON.readTree(r.body()).path("payable");
    BigInteger fee = new BigInteger(pay.path("fee_wei").asText());
    assertThat(fee).isPositive().isLessThanOrEqualTo(MAX_FEE);
    assertThat(pay.path("consumer").asText()).isEqualToIgnoringCase(key(ALICE).getAddress());
    assertThat(new BigInteger(pay.path("consumer_charged_wei").asText())).isEqualTo(fee);

    // The same voucher no longer covers another request's maximum on top of what was charged.
    assertPaymentRequired(complete(first), "insufficient_voucher");
    // The next voucher, charged + maximum, does.
    HttpResponse<String> second = complete(voucher(ALICE, fee.add(MAX_FEE)));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);

    List<InferenceEvent> events = eventsOf(ALICE);
    assertThat(events).hasSize(2);
    assertThat(events.get(0).voucher().cumulativeAmount()).isEqualTo(MAX_FEE);
    assertThat(events.get(1).voucher().cumulativeAmount()).isEqualTo(fee.add(MAX_FEE));
    // Each event's voucher verifies on its own: consumer, amount, expiry and signature.
    for (InferenceEvent e : events) {
      Voucher v = new Voucher(e.consumer(), e.voucher().cumulativeAmount(), e.voucher().expiry());
      assertThat(VoucherSignatures.isValid(domain, v, e.voucher().signature())).isTrue();
    }
    // And they travel as schema version 2 (times at millisecond precision).
    assertThat(InferenceEventCodec.decode(InferenceEventCodec.encode(events)))
        .extracting(InferenceEvent::voucher, InferenceEvent::consumer, InferenceEvent::feeWei)
        .containsExactlyElementsOf(
            events.stream()
                .map(
                    e -> org.assertj.core.groups.Tuple.tuple(e.voucher(), e.consumer(), e.feeWei()))
                .toList());
  }

  @Test
  void theJavaClientSignsTheNextVoucherForEachRequest() throws Exception {
    PayingClient client =
        new PayingClient(
            URI.create("http://127.0.0.1:" + http.port()),
            key(DAVE),
            domain,
            escrow(DAVE).account(key(DAVE).getAddress()).redeemed(),
            Duration.ofMinutes(5),
            java.time.Clock.systemUTC());
    List<CompletableFuture<PayingClient.Answer>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      // Sequential and concurrent requests, to the adapter and to the base model.
      var body =
          JSON.createObjectNode()
              .put("model", n % 2 == 0 ? "ad-0" : "tiny-base")
              .put("prompt", "hello " + n)
              .put("max_tokens", 4 + n)
              .put("temperature", 0.0);
      if (n < 3) {
        PayingClient.Answer a = client.post("/v1/completions", body);
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
      } else {
        calls.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return client.post("/v1/completions", body);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
    }
    for (var c : calls) {
      assertThat(c.get().status()).as(c.get().body().toString()).isEqualTo(200);
    }
    List<InferenceEvent> events = eventsOf(DAVE);
    assertThat(events).hasSize(6);
    BigInteger fees =
        events.stream().map(InferenceEvent::feeWei).reduce(BigInteger.ZERO, BigInteger::add);
    assertThat(client.charged()).isEqualTo(fees);
    assertThat(worker.payments().charged(key(DAVE).getAddress())).isEqualTo(fees);
    // Never more signed than charged plus what was still running at the time.
    assertThat(client.lastSigned()).isGreaterThanOrEqualTo(fees);
    assertThat(
            events.stream()
                .map(e -> e.voucher().cumulativeAmount())
                .max(BigInteger::compareTo)
                .orElseThrow())
        .isEqualTo(client.lastSigned());
  }

  @Test
  void everyReasonForA402() throws Exception {
    assertPaymentRequired(complete(null), "no_voucher");
    assertPaymentRequired(complete("not,a,voucher"), "bad_signature");
    // Bob signs a voucher naming Alice.
    assertPaymentRequired(
        complete(voucher(domain, BOB, ALICE, BigInteger.valueOf(1_000), farExpiry())),
        "bad_signature");
    // Alice signs for another chain.
    assertPaymentRequired(
        complete(
            voucher(
                VoucherSignatures.domain(1, deployment.consumerEscrow()),
                ALICE,
                ALICE,
                BigInteger.valueOf(1_000),
                farExpiry())),
        "bad_signature");
    assertPaymentRequired(
        complete(
            voucher(
                domain,
                ALICE,
                ALICE,
                BigInteger.valueOf(1_000),
                java.time.Instant.now().getEpochSecond() - 1)),
        "expired");
    assertPaymentRequired(
        complete(voucher(CAROL, MAX_FEE.subtract(BigInteger.ONE))), "insufficient_voucher");
    assertPaymentRequired(
        complete(voucher(BOB, BigInteger.valueOf(1_000))), "insufficient_deposit");
    // None of them was served or metered.
    assertThat(eventsOf(BOB)).isEmpty();
  }

  @Test
  void concurrentRequestsOfOneConsumerCannotOverspendItsVoucher() throws Exception {
    // Carol's voucher allows three maximum fees; she sends twelve requests at once under it.
    BigInteger allowed = MAX_FEE.multiply(BigInteger.valueOf(3));
    String header = voucher(CAROL, allowed);
    BigInteger chargedBefore = worker.payments().charged(key(CAROL).getAddress());
    int eventsBefore = eventsOf(CAROL).size();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      calls.add(completeAsync(header));
    }
    int served = 0;
    int refused = 0;
    BigInteger fees = BigInteger.ZERO;
    for (var c : calls) {
      HttpResponse<String> r = c.get();
      if (r.statusCode() == 200) {
        served++;
        fees = fees.add(new BigInteger(JSON.readTree(r.body()).at("/payable/fee_wei").asText()));
      } else {
        assertPaymentRequired(r, "insufficient_voucher");
        refused++;
      }
    }
    assertThat(served + refused).isEqualTo(12);
    assertThat(served).isGreaterThanOrEqualTo(3);
    assertThat(refused).isPositive();
    // What was charged never exceeds what was signed, and equals the events' fees.
    BigInteger charged = worker.payments().charged(key(CAROL).getAddress());
    assertThat(charged).isLessThanOrEqualTo(allowed).isEqualTo(chargedBefore.add(fees));
    List<InferenceEvent> events = eventsOf(CAROL);
    assertThat(events.size() - eventsBefore).isEqualTo(served);
    assertThat(
            events.subList(eventsBefore, events.size()).stream()
                .map(InferenceEvent::feeWei)
                .reduce(BigInteger.ZERO, BigInteger::add))
        .isEqualTo(fees);
  }

  private static PayingClient payingClient(int account) throws Exception {
    return new PayingClient(
        URI.create("http://127.0.0.1:" + http.port()),
        key(account),
        domain,
        escrow(account).account(key(account).getAddress()).redeemed(),
        Duration.ofMinutes(5),
        java.time.Clock.systemUTC());
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode chat(int maxTokens) {
    var body =
        JSON.createObjectNode().put("model", "ad-0").put("max_tokens", maxTokens).put("seed", 7);
    body.put("temperature", 0.0);
    body.putArray("messages").addObject().put("role", "user").put("content", "Call me Ishmael.");
    return body;
  }

  @Test
  void aStreamedChatArrivesTokenByTokenAndIsChargedInItsLastChunk() throws Exception {
    PayingClient client = payingClient(ERIN);
    int maxTokens = 24;
    BigInteger maxFee = PRICE.multiply(BigInteger.valueOf(maxTokens));

    PayingClient.Answer whole = client.post("/v1/chat/completions", chat(maxTokens));
    assertThat(whole.status()).as(whole.body().toString()).isEqualTo(200);
    BigInteger wholeFee = new BigInteger(whole.body().at("/payable/fee_wei").asText());
    BigInteger signedForWhole = client.lastSigned();

    List<JsonNode> chunks = new ArrayList<>();
    PayingClient.StreamedAnswer streamed =
        client.stream("/v1/chat/completions", chat(maxTokens), chunks::add);
    assertThat(streamed.status()).isEqualTo(200);
    // Token by token: several chunks with content, which make up the non-streamed answer.
    long contentChunks =
        chunks.stream().filter(c -> !c.at("/choices/0/delta/content").asText("").isEmpty()).count();
    assertThat(contentChunks).isGreaterThan(1);
    assertThat(streamed.text())
        .isNotEmpty()
        .isEqualTo(whole.body().at("/choices/0/message/content").asText());
    assertThat(streamed.finishReason())
        .isEqualTo(whole.body().at("/choices/0/finish_reason").asText());
    // The last chunk has no choices, and carries the usage and the charge.
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.path("choices").isArray()).isTrue();
    assertThat(last.path("choices")).isEmpty();
    assertThat(last.path("usage")).isEqualTo(whole.body().path("usage"));
    assertThat(last.path("payable").path("event_id").asText())
        .isEqualTo(last.path("id").asText())
        .isEqualTo(chunks.get(0).path("id").asText());
    assertThat(chunks.subList(0, chunks.size() - 1)).allMatch(c -> !c.has("payable"));
    BigInteger fee = streamed.fee();
    assertThat(fee)
        .isEqualTo(wholeFee)
        .isEqualTo(PRICE.multiply(BigInteger.valueOf(last.at("/usage/completion_tokens").asInt())));

    // The same accounting as not streamed: one event each, the second voucher is what was charged
    // plus this request's maximum fee, and the worker's total is the client's.
    List<InferenceEvent> events = eventsOf(ERIN);
    assertThat(events).hasSize(2);
    InferenceEvent event = events.get(1);
    assertThat(event.eventId()).isEqualTo(last.path("id").asText());
    assertThat(event.feeWei()).isEqualTo(fee);
    assertThat(event.outputText()).isEqualTo(streamed.text());
    assertThat(events.get(0).voucher().cumulativeAmount()).isEqualTo(signedForWhole);
    assertThat(event.voucher().cumulativeAmount())
        .isEqualTo(wholeFee.add(maxFee))
        .isEqualTo(client.lastSigned());
    assertThat(new BigInteger(streamed.payable().path("consumer_charged_wei").asText()))
        .isEqualTo(wholeFee.add(fee))
        .isEqualTo(client.charged())
        .isEqualTo(worker.payments().charged(key(ERIN).getAddress()));

    // A client that leaves after the first tokens is charged what the worker generated for it, no
    // more than it signed, in one event; the client counts the maximum until the worker says.
    BigInteger chargedBefore = worker.payments().charged(key(ERIN).getAddress());
    BigInteger signed;
    try {
      client.stream(
          "/v1/chat/completions",
          chat(maxTokens),
          c -> {
            if (!c.at("/choices/0/delta/content").asText("").isEmpty()) {
              throw new IllegalStateException("reader gone");
            }
          });
      throw new AssertionError("the stream went on after its reader left");
    } catch (IllegalStateException expected) {
      signed = client.lastSigned();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (eventsOf(ERIN).size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(eventsOf(ERIN)).hasSize(3);
    InferenceEvent left = eventsOf(ERIN).get(2);
    assertThat(left.feeWei())
        .isEqualTo(PRICE.multiply(BigInteger.valueOf(left.outputTokens())))
        .isLessThanOrEqualTo(maxFee);
    BigInteger chargedAfter = worker.payments().charged(key(ERIN).getAddress());
    assertThat(chargedAfter)
        .isEqualTo(chargedBefore.add(left.feeWei()))
        .isLessThanOrEqualTo(signed);
    assertThat(client.charged()).isEqualTo(chargedBefore.add(maxFee));
    // The next request is paid for, and its charge brings the worker's exact total back.
    PayingClient.StreamedAnswer next = client.stream("/v1/chat/completions", chat(4), c -> {});
    assertThat(next.status()).as(String.valueOf(next.error())).isEqualTo(200);
    assertThat(client.charged())
        .isEqualTo(chargedAfter.add(next.fee()))
        .isEqualTo(worker.payments().charged(key(ERIN).getAddress()));
    assertThat(eventsOf(ERIN)).hasSize(4);
  }

  @Test
  void aStreamedRequestIsRefusedInOneJsonLineBeforeItStreams() throws Exception {
    var body = chat(MAX_TOKENS).put("stream", true);
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header(SignedVoucher.HEADER, voucher(BOB, BigInteger.valueOf(1_000)))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertPaymentRequired(r, "insufficient_deposit");
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body()).doesNotContain("\n");
  }
}
