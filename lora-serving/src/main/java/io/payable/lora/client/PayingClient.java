package io.payable.lora.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.web3j.crypto.Credentials;

/**
 * A consumer's client of paying workers: signs the next voucher for each request automatically.
 *
 * <p>For each request it reads the model's price from {@code GET /v1/models} (once per model),
 * computes the request's maximum fee ({@code max_tokens x price}) and signs a voucher for what the
 * workers have charged so far (the sum of each worker's {@code consumer_charged_wei}, starting at
 * what the escrow has redeemed), plus the maximum fees of its requests still running, plus this
 * one's. Vouchers never go down. Thread-safe: concurrent requests each reserve their maximum.
 */
public final class PayingClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI worker;
  private final Credentials consumer;
  private final Eip712Domain domain;
  private final Duration voucherLifetime;
  private final Clock clock;
  private final Map<String, BigInteger> prices = new ConcurrentHashMap<>();
  private final Map<String, BigInteger> chargedByWorker = new ConcurrentHashMap<>();
  private final BigInteger chargedBefore;
  private BigInteger running = BigInteger.ZERO;
  private BigInteger lastSigned = BigInteger.ZERO;
  private BigInteger abandoned = BigInteger.ZERO;

  /**
   * @param worker the worker's base URL, e.g. {@code http://127.0.0.1:8090}
   * @param consumer the consumer's key (the depositor in ConsumerEscrow)
   * @param domain the escrow's voucher domain ({@code EscrowClient.voucherDomain()})
   * @param redeemed what the escrow has redeemed from the consumer so far (its account's {@code
   *     redeemed}): where a worker's count of the consumer's charges starts
   * @param voucherLifetime how long each voucher is valid for serving
   */
  public PayingClient(
      URI worker,
      Credentials consumer,
      Eip712Domain domain,
      BigInteger redeemed,
      Duration voucherLifetime,
      Clock clock) {
    this.worker = Objects.requireNonNull(worker, "worker");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.domain = Objects.requireNonNull(domain, "domain");
    this.chargedBefore = Objects.requireNonNull(redeemed, "redeemed");
    this.voucherLifetime = voucherLifetime;
    this.clock = clock;
  }

  /** The answer of one request: HTTP status and body. */
  public record Answer(int status, JsonNode body) {}

  /**
   * Sends {@code body} (which names {@code model} and {@code max_tokens}) to {@code path} ({@code
   * /v1/completions} or {@code /v1/chat/completions}) with a fresh voucher.
   */
  public Answer post(String path, ObjectNode body) throws IOException, InterruptedException {
    String model = body.path("model").asText();
    int maxTokens = body.path("max_tokens").asInt(16);
    BigInteger maxFee = price(model).multiply(BigInteger.valueOf(maxTokens));
    SignedVoucher voucher;
    synchronized (this) {
      BigInteger needed = charged().add(running).add(maxFee);
      lastSigned = lastSigned.max(needed);
      running = running.add(maxFee);
      voucher =
          SignedVoucher.sign(
              domain,
              new Voucher(
                  consumer.getAddress(),
                  lastSigned,
                  clock.instant().plus(voucherLifetime).getEpochSecond()),
              consumer);
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(worker.resolve(path))
                  .header("Content-Type", "application/json")
                  .header(SignedVoucher.HEADER, voucher.toHeader())
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(r.body());
      JsonNode pay = answer.path("payable");
      if (r.statusCode() == 200 && pay.has("consumer_charged_wei")) {
        chargedByWorker.merge(
            pay.path("worker").asText(),
            new BigInteger(pay.path("consumer_charged_wei").asText()),
            BigInteger::max);
      }
      return new Answer(r.statusCode(), answer);
    } finally {
      synchronized (this) {
        running = running.subtract(maxFee);
      }
    }
  }

  /**
   * What the workers have charged this consumer, as far as this client knows: for a stream left
   * before its charge arrived, its maximum fee, until a later streamed answer brings the worker's
   * total.
   */
  public synchronized BigInteger charged() {
    // Each worker's total starts at what was redeemed before; count that once.
    BigInteger sum = chargedBefore.add(abandoned);
    for (BigInteger c : chargedByWorker.values()) {
      sum = sum.add(c.subtract(chargedBefore).max(BigInteger.ZERO));
    }
    return sum;
  }

  /**
   * Continues from the vouchers this consumer signed before (an earlier run of its application):
   * the next voucher is for at least {@code signed}, so vouchers never go down across restarts.
   */
  public synchronized void resumeSigned(BigInteger signed) {
    lastSigned = lastSigned.max(Objects.requireNonNull(signed, "signed"));
  }

  /** The amount of the latest voucher signed. */
  public synchronized BigInteger lastSigned() {
    return lastSigned;
  }

  private BigInteger price(String model) throws IOException, InterruptedException {
    BigInteger known = prices.get(model);
    if (known != null) {
      return known;
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(worker.resolve("/v1/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    for (JsonNode m : JSON.readTree(r.body()).path("data")) {
      if (m.has("price_wei")) {
        prices.put(m.path("id").asText(), new BigInteger(m.path("price_wei").asText()));
      }
    }
    BigInteger price = prices.get(model);
    if (price == null) {
      throw new IOException("the worker lists no price for model " + model);
    }
    return price;
  }

  /**
   * The answer of a streamed request: the HTTP status; for a refused request ({@code status !=
   * 200}, nothing streamed) the worker's error body; else the streamed text, finish reason, usage
   * and charge ({@code payable}) of the last chunk.
   */
  public record StreamedAnswer(
      int status,
      JsonNode error,
      String text,
      String finishReason,
      JsonNode usage,
      JsonNode payable) {

    /** The fee the worker charged for this completion, in wei; null when refused. */
    public BigInteger fee() {
      return payable == null ? null : new BigInteger(payable.path("fee_wei").asText());
    }
  }

  /**
   * Sends {@code body} with {@code stream: true} and a fresh voucher, as {@link #post}, and hands
   * each chunk the worker streams to {@code chunks} as it arrives (the chat or text deltas, then
   * the last chunk with {@code usage} and the charge). The charge is checked against what was
   * signed for this request (the fee at most its maximum fee, the worker's total for this consumer
   * at most the voucher) and counted as a non-streamed answer's is.
   *
   * <p>An exception thrown by {@code chunks} (e.g. its own reader gone) stops reading and closes
   * the connection, so the worker cancels the request; it is then charged for the tokens it
   * generated, never more than the voucher.
   *
   * @throws IOException when the worker is unreachable, the stream ends without its charge, or the
   *     charge exceeds what was signed
   */
  public StreamedAnswer stream(String path, ObjectNode body, Consumer<JsonNode> chunks)
      throws IOException, InterruptedException {
    ObjectNode streamed = body.deepCopy();
    streamed.put("stream", true);
    streamed.putObject("stream_options").put("include_usage", true);
    String model = streamed.path("model").asText();
    // Name the maximum signed for (a chat request's default is the rest of the context), in the
    // one field the worker then reads.
    if (streamed.hasNonNull("max_completion_tokens")) {
      streamed.put("max_tokens", streamed.path("max_completion_tokens").asInt());
      streamed.remove("max_completion_tokens");
    } else if (!streamed.hasNonNull("max_tokens")) {
      streamed.put("max_tokens", 16);
    }
    int maxTokens = streamed.path("max_tokens").asInt();
    BigInteger maxFee = price(model).multiply(BigInteger.valueOf(maxTokens));
    SignedVoucher voucher = signFor(maxFee);
    boolean accepted = false;
    boolean settled = false;
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(worker.resolve(path))
                  .header("Content-Type", "application/json")
                  .header("Accept", "text/event-stream")
                  .header(SignedVoucher.HEADER, voucher.toHeader())
                  .POST(HttpRequest.BodyPublishers.ofString(streamed.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        if (r.statusCode() != 200) {
          String error = lines.lines().collect(Collectors.joining("\n"));
          JsonNode json;
          try {
            json = JSON.readTree(error);
          } catch (IOException notJson) {
            json = JSON.getNodeFactory().textNode(error);
          }
          return new StreamedAnswer(
              r.statusCode(), json == null ? JSON.nullNode() : json, null, null, null, null);
        }
        accepted = true;
        StringBuilder text = new StringBuilder();
        String finishReason = null;
        JsonNode usage = null;
        JsonNode payable = null;
        String line;
        while ((line = lines.readLine()) != null) {
          if (!line.startsWith("data:")) {
            continue; // blank separators and comments
          }
          String data = line.substring(5).trim();
          if (data.equals("[DONE]")) {
            break;
          }
          JsonNode chunk = JSON.readTree(data);
          if (chunk.has("error")) {
            throw new IOException(
                "the worker's stream failed: " + chunk.path("error").path("message").asText());
          }
          JsonNode choice = chunk.path("choices").path(0);
          text.append(choice.path("delta").path("content").asText(""));
          text.append(choice.path("text").asText(""));
          if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.path("finish_reason").asText();
          }
          if (chunk.hasNonNull("usage")) {
            usage = chunk.get("usage");
          }
          if (chunk.has("payable")) {
            payable = chunk.get("payable");
          }
          chunks.accept(chunk);
        }
        if (payable == null || !payable.has("consumer_charged_wei")) {
          throw new IOException("the worker's stream ended without its charge");
        }
        checkCharge(payable, maxFee);
        settled = true;
        return new StreamedAnswer(200, null, text.toString(), finishReason, usage, payable);
      }
    } finally {
      synchronized (this) {
        running = running.subtract(maxFee);
        if (accepted && !settled) {
          // Served but its charge never arrived (the stream was left early): the worker charged
          // at most its maximum fee; count that until the worker's next total says what it was.
          abandoned = abandoned.add(maxFee);
        }
      }
    }
  }

  /** Signs the voucher for a request of at most {@code maxFee}, reserving it while it runs. */
  private synchronized SignedVoucher signFor(BigInteger maxFee) {
    BigInteger needed = charged().add(running).add(maxFee);
    lastSigned = lastSigned.max(needed);
    running = running.add(maxFee);
    return SignedVoucher.sign(
        domain,
        new Voucher(
            consumer.getAddress(),
            lastSigned,
            clock.instant().plus(voucherLifetime).getEpochSecond()),
        consumer);
  }

  /**
   * Counts a streamed answer's charge, after checking that the worker kept to what was signed: the
   * fee at most the request's maximum fee, and the worker's total for this consumer at most the
   * highest voucher signed (a concurrent request's later voucher may cover part of it).
   */
  private synchronized void checkCharge(JsonNode payable, BigInteger maxFee) throws IOException {
    BigInteger fee = new BigInteger(payable.path("fee_wei").asText());
    BigInteger total = new BigInteger(payable.path("consumer_charged_wei").asText());
    if (fee.signum() < 0 || fee.compareTo(maxFee) > 0) {
      throw new IOException("the worker charged " + fee + " wei, beyond the maximum " + maxFee);
    }
    if (total.compareTo(lastSigned) > 0) {
      throw new IOException(
          "the worker counts " + total + " wei charged, beyond the vouchers' " + lastSigned);
    }
    chargedByWorker.merge(payable.path("worker").asText(), total, BigInteger::max);
    // A worker's total counts every request it metered before this one ended, the abandoned too.
    abandoned = BigInteger.ZERO;
  }
}
