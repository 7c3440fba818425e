package io.payable.jobs.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.reward.AttributedReward;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.jobs.testing.FlinkFailoverTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.settlement.PostingHook;
import io.payable.settlement.RootCommitter;
import io.payable.settlement.SettlementTables;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Keys;

/**
 * The settlement job across failures and short funding, running unbounded as in production: the job
 * crashes before, during (transaction sent, receipt not read) and after posting a root, restarts
 * from its checkpoint each time, and the chain ends with exactly one root per epoch, the roots an
 * unfailed run computes, and the same payouts. An underfunded distributor holds roots back until it
 * is funded, and nothing is lost.
 */
class SettlementJobFailoverITCase extends FlinkFailoverTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  private static final long FIRST = 491_000;
  private static final int EPOCHS = 3;

  /** Crashes the committer once at each configured point. */
  static final class CrashOnce implements PostingHook {
    private static final long serialVersionUID = 1L;
    static final Set<String> FIRED = ConcurrentHashMap.newKeySet();

    @Override
    public void beforePost(long epoch) {
      crash("before", epoch, FIRST);
    }

    @Override
    public void afterSend(long epoch, String transactionHash) {
      crash("during", epoch, FIRST + 1);
    }

    @Override
    public void afterPost(long epoch) {
      crash("after", epoch, FIRST + 2);
    }

    private static void crash(String point, long epoch, long at) {
      if (epoch == at && FIRED.add(point)) {
        throw new RootCommitter.InjectedFailure("injected crash " + point + " posting " + epoch);
      }
    }
  }

  @Test
  void crashesBeforeDuringAndAfterPostingLeaveOneRootPerEpoch(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    SettlementChain chain = SettlementChain.deploy(ANVIL, dir);
    LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"));
    List<AttributedReward> rewards = rewards(11);
    chain.fund(RewardFixtures.totalFees(rewards));
    String topic = "rewards.failover";
    KAFKA.createTopics(1, topic);
    PlatformIo.produce(KAFKA.kafka(), topic, RewardFixtures.encoded(withCloser(rewards)));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    SettlementJob.build(
        env, chain.jobConfig(KAFKA.bootstrapServers(), topic, warehouse, false), new CrashOnce());
    JobClient job = env.executeAsync("settlement-failover");
    try {
      chain.awaitEpoch(FIRST + EPOCHS - 1);
      awaitSettlements(warehouse, EPOCHS);
      assertThat(CrashOnce.FIRED).containsExactlyInAnyOrder("before", "during", "after");
      assertThat(cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo())
          .as("the job really failed and recovered")
          .isNotNull();
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }

    assertThat(chain.postedRoots()).containsExactlyElementsOf(chain.expectedRoots(rewards));
    List<Record> settlements = PlatformIo.rows(warehouse, SettlementTables.SETTLEMENTS);
    assertThat(settlements).hasSize(EPOCHS);
    assertThat(settlements)
        .allSatisfy(s -> assertThat((String) s.getField("tx_hash")).startsWith("0x"));
    claimEverythingAndCompare(chain, warehouse, rewards);
  }

  @Test
  void anUnderfundedDistributorDelaysPostingWithoutLosingAnything(@TempDir Path dir)
      throws Exception {
    SettlementChain chain = SettlementChain.deploy(ANVIL, dir);
    LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"));
    List<AttributedReward> rewards = rewards(12);
    TreeMap<Long, TreeMap<String, BigInteger>> cumulative = RewardFixtures.cumulative(rewards);
    BigInteger firstEpochTotal =
        cumulative.firstEntry().getValue().values().stream()
            .reduce(BigInteger.ZERO, BigInteger::add);
    chain.fund(firstEpochTotal);
    String topic = "rewards.underfunded";
    KAFKA.createTopics(1, topic);
    PlatformIo.produce(KAFKA.kafka(), topic, RewardFixtures.encoded(withCloser(rewards)));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    SettlementJob.build(env, chain.jobConfig(KAFKA.bootstrapServers(), topic, warehouse, false));
    JobClient job = env.executeAsync("settlement-underfunded");
    try {
      chain.awaitEpoch(FIRST);
      // Every epoch is settled in the table, but only the funded one is on chain.
      int rows = cumulative.values().stream().mapToInt(Map::size).sum();
      PlatformIo.awaitRows(warehouse, SettlementTables.EPOCH_REWARDS, rows);
      Thread.sleep(2_000);
      assertThat(chain.postedRoots()).hasSize(1);
      chain.fund(RewardFixtures.totalFees(rewards).subtract(firstEpochTotal));
      chain.awaitEpoch(FIRST + EPOCHS - 1);
      awaitSettlements(warehouse, EPOCHS);
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
    assertThat(chain.postedRoots()).containsExactlyElementsOf(chain.expectedRoots(rewards));
    claimEverythingAndCompare(chain, warehouse, rewards);
  }

  private static List<AttributedReward> rewards(long seed) {
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      accounts.add(Keys.toChecksumAddress(String.format("0x%040x", 0xB0B0L + seed * 100 + i)));
    }
    return RewardFixtures.rewards(FIRST, EPOCHS, 8, accounts, seed);
  }

  private static List<AttributedReward> withCloser(List<AttributedReward> rewards) {
    return RewardFixtures.withCloser(rewards, FIRST + EPOCHS);
  }

  private static void awaitSettlements(LocalIcebergWarehouse warehouse, int rows) throws Exception {
    PlatformIo.awaitRows(warehouse, SettlementTables.SETTLEMENTS, rows);
  }

  /** Claims every account with the proofs from the table; each gets its reference total. */
  private static void claimEverythingAndCompare(
      SettlementChain chain, LocalIcebergWarehouse warehouse, List<AttributedReward> rewards)
      throws Exception {
    ProtocolParameters params = ProtocolParameters.read(chain.fx.params(PayableFixture.DEPLOYER));
    ANVIL.chain().advance(params.activationDelaySeconds());
    CliRun verify =
        CliRun.of(
            SettlementJobITCase.concat(
                new String[] {"settle", "verify"}, chain.cliSource(ANVIL.chain(), warehouse)));
    assertThat(verify.exit()).as(verify.out()).isZero();
    chain.claimEveryAccount(ANVIL.chain(), warehouse, rewards);
  }
}
