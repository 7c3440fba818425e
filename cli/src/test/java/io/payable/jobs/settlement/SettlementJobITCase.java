package io.payable.jobs.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.reward.AttributedReward;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.settlement.SettlementTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settlement job end to end: attributed rewards over several epochs on Kafka become one root
 * per epoch on RewardDistributor (anvil) and rows with proofs in Iceberg; every account claims
 * exactly its cumulative total with the CLI, a second claim pays nothing, the claims add up to the
 * attributed fees, and {@code payable settle verify} agrees with the chain for every epoch.
 */
class SettlementJobITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final long FIRST_EPOCH = 490_000;
  private static final int EPOCHS = 3;

  @Test
  void rewardsBecomeRootsOnChainThatEveryAccountClaimsExactly(@TempDir Path dir) throws Exception {
    SettlementChain chain = SettlementChain.deploy(ANVIL, dir);
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      accounts.add(
          org.web3j.crypto.Keys.toChecksumAddress(String.format("0x%040x", 0xA11CE0L + i)));
    }
    List<AttributedReward> rewards = RewardFixtures.rewards(FIRST_EPOCH, EPOCHS, 12, accounts, 7);
    BigInteger fees = RewardFixtures.totalFees(rewards);
    chain.fund(fees);
    KAFKA.createTopics(2, "rewards.attributed");
    PlatformIo.produce(KAFKA.kafka(), "rewards.attributed", RewardFixtures.encoded(rewards));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    SettlementJob.build(
        env,
        chain.jobConfig(
            KAFKA.bootstrapServers(), "rewards.attributed", WAREHOUSE.warehouse(), true));
    env.execute("settlement-it");

    TreeMap<Long, String> expectedRoots =
        RewardFixtures.roots(chain.fx.deployment().rewardDistributor(), rewards);
    List<String> expectedPosted = new ArrayList<>();
    expectedRoots.forEach((epoch, root) -> expectedPosted.add(epoch + ":" + root));
    assertThat(chain.postedRoots()).containsExactlyElementsOf(expectedPosted);

    TreeMap<Long, TreeMap<String, BigInteger>> cumulative = RewardFixtures.cumulative(rewards);
    List<Record> rows = PlatformIo.rows(WAREHOUSE.warehouse(), SettlementTables.EPOCH_REWARDS);
    int expectedRows = cumulative.values().stream().mapToInt(Map::size).sum();
    assertThat(rows).hasSize(expectedRows);
    for (Record row : rows) {
      BigInteger expected =
          cumulative.get((Long) row.getField("epoch")).get((String) row.getField("account"));
      assertThat(((BigDecimal) row.getField("cumulative_wei")).toBigIntegerExact())
          .isEqualTo(expected);
    }
    List<Record> settlements = PlatformIo.rows(WAREHOUSE.warehouse(), SettlementTables.SETTLEMENTS);
    assertThat(settlements).hasSize(EPOCHS);
    assertThat(settlements)
        .allSatisfy(
            s -> {
              assertThat(s.getField("status")).isEqualTo("posted");
              assertThat((String) s.getField("tx_hash")).startsWith("0x");
              assertThat((Long) s.getField("gas_used")).isPositive();
            });

    String[] source = {
      "--rpc", ANVIL.chain().rpcUrl(),
      "--deployment", chain.deploymentFile.toString(),
      "--warehouse", WAREHOUSE.warehouse().location()
    };
    CliRun verify = CliRun.of(concat(new String[] {"settle", "verify"}, source));
    assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out().lines().filter(l -> l.contains(": OK root"))).hasSize(EPOCHS);
    for (long epoch : expectedRoots.keySet()) {
      CliRun one =
          CliRun.of(
              concat(new String[] {"settle", "verify", "--epoch", Long.toString(epoch)}, source));
      assertThat(one.exit()).as(one.out()).isZero();
      assertThat(one.out()).contains("epoch " + epoch + ": OK root " + expectedRoots.get(epoch));
    }

    // Posted roots wait out the veto window before they pay.
    String account = cumulative.lastEntry().getValue().firstKey();
    CliRun pending = CliRun.of(concat(new String[] {"payouts", account}, source));
    assertThat(pending.exit()).as(pending.err()).isZero();
    assertThat(pending.out())
        .contains("Claimable now:     0 wei")
        .contains("Pending:           " + cumulative.lastEntry().getValue().get(account) + " wei");
    ProtocolParameters params = ProtocolParameters.read(chain.fx.params(PayableFixture.DEPLOYER));
    ANVIL.chain().advance(params.activationDelaySeconds());

    var token = chain.fx.token(PayableFixture.DEPLOYER);
    BigInteger claimedSum = BigInteger.ZERO;
    for (Map.Entry<String, BigInteger> owed : cumulative.lastEntry().getValue().entrySet()) {
      CliRun payouts = CliRun.of(concat(new String[] {"payouts", owed.getKey()}, source));
      assertThat(payouts.out()).contains("Claimable now:     " + owed.getValue() + " wei");
      BigInteger before = token.balanceOf(owed.getKey()).send();
      CliRun claim =
          CliRun.of(
              concat(
                  new String[] {
                    "claim", owed.getKey(), "--key-file", chain.submitterKey.toString()
                  },
                  source));
      assertThat(claim.exit()).as(claim.err()).isZero();
      BigInteger paid = token.balanceOf(owed.getKey()).send().subtract(before);
      assertThat(paid).as("claim of %s", owed.getKey()).isEqualTo(owed.getValue());
      claimedSum = claimedSum.add(paid);

      CliRun again =
          CliRun.of(
              concat(
                  new String[] {
                    "claim", owed.getKey(), "--key-file", chain.submitterKey.toString()
                  },
                  source));
      assertThat(again.exit()).isZero();
      assertThat(again.out()).startsWith("Nothing to claim");
      assertThat(token.balanceOf(owed.getKey()).send().subtract(before)).isEqualTo(owed.getValue());
      CliRun after = CliRun.of(concat(new String[] {"payouts", owed.getKey()}, source));
      assertThat(after.out())
          .contains("Claimable now:     0 wei")
          .contains("Claimed:           " + owed.getValue() + " wei");
    }
    assertThat(claimedSum).isEqualTo(fees);
    assertThat(token.balanceOf(chain.fx.deployment().rewardDistributor()).send()).isZero();

    CliRun sql =
        CliRun.of(
            "sql",
            "--warehouse",
            WAREHOUSE.warehouse().location(),
            "SELECT epoch, COUNT(*) AS accounts, SUM(epoch_amount_wei) AS earned FROM epoch_rewards"
                + " GROUP BY epoch ORDER BY epoch");
    assertThat(sql.exit()).as(sql.err()).isZero();
    assertThat(sql.out()).contains("| epoch ").contains("3 rows");
    for (long epoch : expectedRoots.keySet()) {
      assertThat(sql.out()).contains("| " + epoch + " ");
    }
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
