package io.payable.jobs.settlement;

import static io.payable.jobs.testing.HostileRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardJson;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.jobs.testing.FlinkFailoverTestBase;
import io.payable.jobs.testing.HostileRecords;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.HostileInputs.Hostile;
import io.payable.settlement.SettlementTables;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile producer on {@code rewards.attributed}: records of every shape up to the topic's limit
 * and valid-looking rewards with wrong types, among valid rewards (one paying 4,000 accounts). The
 * settlement job runs through them on a MiniCluster that would restart it on a failure, and the
 * execution graph shows it never did; every hostile record is rejected exactly once in the table
 * and on the topic (by offset and SHA-256), and the roots posted are those of the valid rewards.
 */
class HostileRewardsITCase extends FlinkFailoverTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FIRST_EPOCH = 491_000;

  @Test
  void everyHostileRecordIsRejectedOnceAndTheJobNeverRestarts(
      @TempDir Path dir, @InjectMiniCluster MiniCluster cluster) throws Exception {
    SettlementChain chain = SettlementChain.deploy(ANVIL, dir);
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      accounts.add(String.format("0x%040x", 0xB0B0L + i));
    }
    List<AttributedReward> rewards =
        new ArrayList<>(RewardFixtures.rewards(FIRST_EPOCH, 2, 4, accounts, 11));
    // One reward paying very many accounts.
    List<Payout> many = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      many.add(
          new Payout(
              String.format("0x%040x", 0x5000000L + i),
              PayoutRole.CONTRIBUTOR,
              BigInteger.valueOf(1000 + i)));
    }
    BigInteger manyFee = many.stream().map(Payout::amount).reduce(BigInteger.ZERO, BigInteger::add);
    long time = FIRST_EPOCH * RewardFixtures.EPOCH_SECONDS * 1000 + 1;
    rewards.add(
        0,
        new AttributedReward(
            "ev-many",
            time,
            FIRST_EPOCH,
            "tiny-base",
            "a",
            accounts.get(0),
            accounts.get(1),
            manyFee,
            true,
            many));
    chain.fund(RewardFixtures.totalFees(rewards));

    List<Hostile> hostile = new ArrayList<>(HostileRecords.generic(25));
    byte[] valid = AttributedRewardJson.encode(rewards.get(1));
    for (var field :
        Map.of(
                "version", "\"1\"",
                "event_time", "\"yesterday\"",
                "epoch", "1.5",
                "fee_wei", "12",
                "payouts", "{}",
                "attributed", "\"yes\"",
                "event_id", "[]")
            .entrySet()) {
      ObjectNode node = (ObjectNode) JSON.readTree(valid);
      node.set(field.getKey(), JSON.readTree(field.getValue()));
      hostile.add(new Hostile("wrong type " + field.getKey(), utf8(node.toString())));
    }
    ObjectNode payout = (ObjectNode) JSON.readTree(valid);
    ((ObjectNode) payout.get("payouts").get(0))
        .put("recipient", "not-an-address-" + "z".repeat(5000));
    hostile.add(new Hostile("bad recipient", utf8(payout.toString())));
    ObjectNode digits = (ObjectNode) JSON.readTree(valid);
    ((ObjectNode) digits.get("payouts").get(0)).put("amount_wei", "9".repeat(500_000));
    hostile.add(new Hostile("half a million digits", utf8(digits.toString())));
    ObjectNode farEpoch = (ObjectNode) JSON.readTree(valid);
    farEpoch.put("epoch", Long.MAX_VALUE);
    hostile.add(new Hostile("epoch at the end of time", utf8(farEpoch.toString())));
    ObjectNode farTime = (ObjectNode) JSON.readTree(valid);
    farTime.put("event_time", Long.MAX_VALUE);
    hostile.add(new Hostile("event time at the end of time", utf8(farTime.toString())));
    hostile.add(
        new Hostile(
            "fee beyond decimal(38,0)",
            AttributedRewardJson.encode(
                new AttributedReward(
                    "ev-rich",
                    time,
                    FIRST_EPOCH,
                    "m",
                    "a",
                    accounts.get(0),
                    accounts.get(1),
                    BigInteger.TEN.pow(40),
                    true,
                    List.of(
                        new Payout(
                            accounts.get(2), PayoutRole.CONTRIBUTOR, BigInteger.TEN.pow(40)))))));

    // Hostile records first, so a failure could not hide behind a finished epoch.
    List<byte[]> values = new ArrayList<>();
    hostile.forEach(h -> values.add(h.value()));
    RewardFixtures.encoded(rewards).forEach(values::add);
    HostileRecords.createInputTopic(KAFKA.kafka(), "rewards.attributed");
    KAFKA.createTopics(1, "rewards.rejections");
    List<Long> offsets = HostileRecords.produce(KAFKA.kafka(), "rewards.attributed", values);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    SettlementJob.build(
        env,
        chain.jobConfig(
            KAFKA.bootstrapServers(), "rewards.attributed", WAREHOUSE.warehouse(), true));
    JobClient job = env.executeAsync("settlement-hostile");
    job.getJobExecutionResult().get();
    HostileRecords.assertNoRestart(cluster, job.getJobID());

    HostileRecords.assertRejectedOnce(
        WAREHOUSE.warehouse(),
        SettlementTables.REJECTIONS,
        KAFKA.kafka(),
        "rewards.rejections",
        "rewards.attributed",
        HostileRecords.byOffset(offsets, values, i -> i < hostile.size()));
    List<String> expectedPosted = new ArrayList<>();
    RewardFixtures.roots(chain.fx.deployment().rewardDistributor(), rewards)
        .forEach((epoch, root) -> expectedPosted.add(epoch + ":" + root));
    assertThat(chain.postedRoots()).containsExactlyElementsOf(expectedPosted);
    int expectedRows =
        RewardFixtures.cumulative(rewards).values().stream().mapToInt(Map::size).sum();
    assertThat(PlatformIo.rows(WAREHOUSE.warehouse(), SettlementTables.EPOCH_REWARDS))
        .hasSize(expectedRows);
  }
}
