package io.payable.up.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.lora.client.PayingClient;
import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  private DemoConsumers() {}

  /** Deposits for each consumer and starts their requests. */
  static DemoConsumers start(
      DemoPlan plan, DemoChain chain, DemoWorker worker, List<Prompt> prompts) throws Exception {
    DemoConsumers consumers = new DemoConsumers();
    ChainClient client = new ChainClient(chain.web3j, chain.anvil.chainId());
    for (int c = 0; c < plan.consumers(); c++) {
      int account = DemoChain.FIRST_CONSUMER + c;
      EscrowClient escrow =
          EscrowClient.connect(client, chain.deployment, chain.credentials(account));
      escrow.deposit(DEPOSIT);
      PayingClient paying =
          new PayingClient(
              URI.create(worker.url()),
              chain.credentials(account),
              escrow.voucherDomain(),
              escrow.account(chain.address(account)).redeemed(),
              Duration.ofMinutes(10),
              Clock.systemUTC());
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
    EscrowClient.connect(client, chain.deployment, chain.credentials(DemoChain.PLAYGROUND))
        .deposit(DEPOSIT);
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

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }
}
