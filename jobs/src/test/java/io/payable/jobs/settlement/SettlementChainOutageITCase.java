package io.payable.jobs.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.reward.AttributedReward;
import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.anvil.AnvilOptions;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.jobs.testing.PlatformIo;
import io.payable.settlement.PostingHook;
import io.payable.settlement.SettlementTables;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;

/**
 * The settlement job while the chain goes away: the first epoch's postRoot transaction is dropped
 * from the mempool before it is mined and must be sent again; then the chain RPC disappears for
 * about a minute mid-epoch (anvil stopped, its state dumped with {@code --dump-state}) while
 * rewards keep arriving and close two more epochs, and comes back from that state ({@code
 * --load-state}) on the same port. The roots wait (metrics and a log line say so) while the epochs'
 * rows still reach Iceberg, the job never fails, every epoch ends with exactly one root, no
 * transaction of the settler is wasted, and every account can claim exactly what it earned.
 */
class SettlementChainOutageITCase {

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(
                  METRICS.addToConfiguration(
                      new Configuration().set(RestartStrategyOptions.RESTART_STRATEGY, "none")))
              .build());

  private static final long FIRST = 492_000;
  private static final int EPOCHS = 3;
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  /** The chain, for the hook (the job runs in this JVM). */
  static volatile String rpcUrl;

  /** Drops the first postRoot transaction from anvil's mempool before it is mined. */
  static final class DropFirstTransaction implements PostingHook {
    private static final long serialVersionUID = 1L;
    static final Set<String> DROPPED = ConcurrentHashMap.newKeySet();

    @Override
    public void beforePost(long epoch) {
      if (epoch == FIRST && DROPPED.isEmpty()) {
        rpc("evm_setAutomine", List.of(false));
      }
    }

    @Override
    public void afterSend(long epoch, String transactionHash) {
      if (epoch == FIRST && DROPPED.isEmpty()) {
        rpc("anvil_dropTransaction", List.of(transactionHash));
        DROPPED.add(transactionHash);
        rpc("evm_setAutomine", List.of(true));
      }
    }
  }

  @Test
  void postingWaitsOutAChainOutageAndResendsADroppedTransaction(@TempDir Path dir)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path state = dir.resolve("chain").resolve("anvil-state.json");
    AnvilOptions options = AnvilOptions.defaults().withPort(port).withStateFile(state);
    AnvilChain anvil = AnvilChain.start(options);
    rpcUrl = anvil.rpcUrl();
    Web3j web3j = anvil.newClient();
    try {
      SettlementChain chain = SettlementChain.deploy(anvil, web3j, dir);
      LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"));
      List<AttributedReward> rewards = rewards();
      chain.fund(RewardFixtures.totalFees(rewards));
      String settler = chain.fx.address(PayableFixture.SETTLER);
      long settlerNonceBefore = nonce(web3j, settler);
      String topic = "rewards.outage";
      KAFKA.createTopics(1, topic);
      // Epochs FIRST and FIRST + 1 now: FIRST closes, FIRST + 1 stays open.
      PlatformIo.produce(
          KAFKA.kafka(),
          topic,
          RewardFixtures.encoded(rewards.stream().filter(r -> r.epoch() <= FIRST + 1).toList()));

      Configuration config = chain.jobConfig(KAFKA.bootstrapServers(), topic, warehouse, false);
      config.set(SettlementOptions.RECEIPT_TIMEOUT, Duration.ofSeconds(2));
      config.set(SettlementOptions.POST_RETRY_PAUSE, Duration.ofMillis(500));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      SettlementJob.build(env, config, new DropFirstTransaction());
      JobClient job = env.executeAsync("settlement-outage");
      try {
        chain.awaitEpoch(FIRST);
        assertThat(DropFirstTransaction.DROPPED).hasSize(1);
        // The committer is done with the first root (its settlements row is written).
        PlatformIo.awaitRows(warehouse, SettlementTables.SETTLEMENTS, 1);

        // The chain goes away mid-epoch; rewards keep arriving and close the open epochs.
        anvil.close();
        assertThat(Files.exists(state)).as("anvil dumped its state").isTrue();
        PlatformIo.produce(
            KAFKA.kafka(),
            topic,
            RewardFixtures.encoded(
                withCloser(rewards.stream().filter(r -> r.epoch() > FIRST + 1).toList())));
        PlatformIo.awaitRows(
            warehouse,
            SettlementTables.EPOCH_REWARDS,
            RewardFixtures.cumulative(rewards).values().stream().mapToInt(Map::size).sum());
        Thread.sleep(OUTAGE.toMillis());
        long waits = counter(job.getJobID(), "chainUnavailable");
        assertThat(waits).as("waits while the chain was away").isGreaterThan(2);
        assertThat(gauge(job.getJobID(), "chainUnreachableSinceMs")).isPositive();
        assertThat(job.getJobStatus().get())
            .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);

        anvil = AnvilChain.start(options);
        chain.awaitEpoch(FIRST + EPOCHS - 1);
        PlatformIo.awaitRows(warehouse, SettlementTables.SETTLEMENTS, EPOCHS);
        assertThat(gauge(job.getJobID(), "chainUnreachableSinceMs")).isZero();
        assertThat(job.getJobStatus().get())
            .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
      } finally {
        job.cancel().get(30, TimeUnit.SECONDS);
      }

      // One root per epoch, the roots an uninterrupted run computes, and one mined transaction
      // per root: the dropped one was replaced with the same nonce, nothing was sent twice.
      assertThat(chain.postedRoots()).containsExactlyElementsOf(chain.expectedRoots(rewards));
      assertThat(nonce(web3j, settler) - settlerNonceBefore).isEqualTo(EPOCHS);
      claimEverything(anvil, chain, warehouse, rewards);
    } finally {
      web3j.shutdown();
      anvil.close();
    }
  }

  private static List<AttributedReward> rewards() {
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accounts.add(Keys.toChecksumAddress(String.format("0x%040x", 0xC0DEL * 1000 + i)));
    }
    return RewardFixtures.rewards(FIRST, EPOCHS, 6, accounts, 21);
  }

  private static List<AttributedReward> withCloser(List<AttributedReward> rewards) {
    return RewardFixtures.withCloser(rewards, FIRST + EPOCHS);
  }

  private static long counter(JobID job, String name) {
    return METRICS.findMetrics(job, name).values().stream()
        .filter(m -> m instanceof Counter)
        .mapToLong(m -> ((Counter) m).getCount())
        .sum();
  }

  private static long gauge(JobID job, String name) {
    long value = 0;
    for (Metric m : METRICS.findMetrics(job, name).values()) {
      if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) {
        value = Math.max(value, n.longValue());
      }
    }
    return value;
  }

  private static long nonce(Web3j web3j, String account) throws Exception {
    return web3j
        .ethGetTransactionCount(account, DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount()
        .longValueExact();
  }

  /** Claims every account with the proofs from the table; each gets exactly what it earned. */
  private static void claimEverything(
      AnvilChain anvil,
      SettlementChain chain,
      LocalIcebergWarehouse warehouse,
      List<AttributedReward> rewards)
      throws Exception {
    ProtocolParameters params = ProtocolParameters.read(chain.fx.params(PayableFixture.DEPLOYER));
    anvil.advance(params.activationDelaySeconds());
    chain.claimEveryAccount(anvil, warehouse, rewards);
  }

  private static void rpc(String method, List<?> params) {
    HttpService service = new HttpService(rpcUrl);
    try {
      var response = new Request<>(method, params, service, AnvilChain.RawResponse.class).send();
      if (response.hasError()) {
        throw new IllegalStateException(method + ": " + response.getError().getMessage());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
