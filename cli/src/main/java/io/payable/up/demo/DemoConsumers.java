package io.payable.up.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.lora.client.PayingClient;
import io.payable.lora.client.PaymentChannelFile;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's consumers: a few applications, each with its own key, that deposit OPEN into
 * ConsumerEscrow and then send completion requests to the worker's OpenAI API, paying with vouchers
 * signed by {@link PayingClient}. Prompts are beginnings of contributed passages (an adapter that
 * learnt its Datanet continues them with the contribution) and held-out text of the same corpora
 * (whose continuations reproduce nothing). Each consumer runs on its own thread.
 */
public final class DemoConsumers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoConsumers.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What each consumer deposits, in wei of OPEN. */
  public static final BigInteger DEPOSIT = BigInteger.TEN.pow(18 + 2);

  /**
   * A prompt for an adapter: the beginning of {@code source}, a contributed passage, or of held-out
   * text ({@code source} null).
   */
  public record Prompt(String adapter, String text, String source) {
    public boolean contributed() {
      return source != null;
    }

    /** Whether {@code output} continues the source passage with at least {@code words} words. */
    public boolean reproducedBy(String output, int words) {
      return source != null && Passages.shareWords(output, source, words);
    }
  }

  /** A completion the worker served and charged for. */
  public record Served(
      String eventId, int consumer, Prompt prompt, String output, BigInteger feeWei) {}

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger refused = new AtomicInteger();
  private final Map<String, Served> served = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, PayingClient> clients = new ConcurrentHashMap<>();
  private final Path state;

  private DemoConsumers(Path state) {
    this.state = state;
  }

  /**
   * Deposits for each consumer that has not deposited before and starts their requests.
   *
   * @param state where each consumer's payment channel (what it was charged and what it signed) is
   *     kept when the consumers stop and taken up again when they start: a consumer that restarts
   *     goes on from its earlier charges and vouchers, not from what the escrow has redeemed so far
   */
  static DemoConsumers start(
      DemoPlan plan, DemoChain chain, DemoWorker worker, List<Prompt> prompts, Path state)
      throws Exception {
    DemoConsumers consumers = new DemoConsumers(state);
    ChainClient client = new ChainClient(chain.web3j, chain.anvil.chainId());
    for (int c = 0; c < plan.consumers(); c++) {
      int account = DemoChain.FIRST_CONSUMER + c;
      String address = chain.address(account);
      EscrowClient escrow =
          EscrowClient.connect(client, chain.deployment, chain.credentials(account));
      depositOnce(escrow, address);
      BigInteger redeemed = escrow.account(address).redeemed();
      PaymentChannelFile.Totals before = consumers.channel(address).read();
      PayingClient paying =
          new PayingClient(
              URI.create(worker.url()),
              chain.credentials(account),
              escrow.voucherDomain(),
              redeemed.max(before.charged()),
              Duration.ofMinutes(10),
              Clock.systemUTC());
      paying.resumeSigned(before.signed());
      consumers.clients.put(address, paying);
      Thread t =
          new Thread(
              () -> consumers.run(account, paying, prompts, plan), "demo-consumer-" + account);
      t.setDaemon(true);
      consumers.threads.add(t);
    }
    consumers.threads.forEach(Thread::start);
    return consumers;
  }

  /**
   * Deposits {@link #DEPOSIT} for the Console's chat playground consumer ({@link
   * DemoChain#PLAYGROUND}), so that the playground's completions are paid like any other.
   */
  static void depositForPlayground(DemoChain chain) throws Exception {
    ChainClient client = new ChainClient(chain.web3j, chain.anvil.chainId());
    depositOnce(
        EscrowClient.connect(client, chain.deployment, chain.credentials(DemoChain.PLAYGROUND)),
        chain.address(DemoChain.PLAYGROUND));
  }

  /**
   * Deposits {@link #DEPOSIT} unless the consumer has deposited before (an earlier run on the same
   * data directory): a restart adds no money to the platform.
   */
  private static void depositOnce(EscrowClient escrow, String consumer) throws Exception {
    var account = escrow.account(consumer);
    if (account.balance().signum() == 0 && account.redeemed().signum() == 0) {
      escrow.deposit(DEPOSIT);
    }
  }

  private void run(int account, PayingClient client, List<Prompt> prompts, DemoPlan plan) {
    Random random = new Random(account);
    try {
      while (running.get()) {
        Prompt p = prompts.get(random.nextInt(prompts.size()));
        var body =
            JSON.createObjectNode()
                .put("model", p.adapter())
                .put("prompt", p.text())
                .put("max_tokens", plan.maxTokens())
                .put("temperature", 0.0);
        PayingClient.Answer a = client.post("/v1/completions", body);
        if (a.status() == 200) {
          var pay = a.body().path("payable");
          String id = pay.path("event_id").asText();
          served.put(
              id,
              new Served(
                  id,
                  account,
                  p,
                  a.body().path("choices").path(0).path("text").asText(),
                  new BigInteger(pay.path("fee_wei").asText("0"))));
        } else {
          refused.incrementAndGet();
          LOG.info("consumer {}: {} {}", account, a.status(), a.body());
        }
        Thread.sleep(plan.requestInterval().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.error("demo consumer {} stopped", account, e);
    }
  }

  /** Served completions by event id. */
  Map<String, Served> served() {
    return Map.copyOf(served);
  }

  int refused() {
    return refused.get();
  }

  /**
   * Stops the consumers and keeps what each was charged and signed for, for a restart on the same
   * data directory.
   */
  @Override
  public void close() throws InterruptedException, IOException {
    if (!running.getAndSet(false)) {
      return;
    }
    for (Thread t : threads) {
      t.join(10_000);
    }
    clients.forEach((address, client) -> channel(address).write(PaymentChannelFile.of(client)));
  }

  /** The file of one consumer's payment channel, as the Console keeps its playground's. */
  private PaymentChannelFile channel(String address) {
    return new PaymentChannelFile(
        state.resolve("consumer-" + address.toLowerCase(Locale.ROOT) + ".json"));
  }
}
