package io.payable.jobs.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.reward.AttributedReward;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowAccount;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.jobs.testing.FlinkFailoverTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.settlement.PostingHook;
import io.payable.settlement.RootCommitter;
import io.payable.settlement.SettlementTables;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
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
 * Payouts funded only by consumers: three consumers deposit OPEN in ConsumerEscrow and sign
 * cumulative vouchers for their events; the settlement job (with {@code chain.consumer-escrow})
 * redeems each epoch's charges before posting its root, and nobody else funds the distributor. The
 * job crashes twice between a redeem and the root's posting (right after the redeem transaction is
 * mined, and in the committer before {@code postRoot}) and restarts from its checkpoint. Nothing is
 * charged twice, nothing is posted unfunded, and money is conserved per consumer and in total:
 * deposits - balances = redeemed = fees of the attributed events = root total = claimed + still
 * claimable.
 */
class ConsumerFundedSettlementITCase extends FlinkFailoverTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  private static final long FIRST = 493_000;
  private static final int EPOCHS = 3;
  private static final int[] CONSUMERS = {5, 6, 7};
  private static final BigInteger DEPOSIT = BigInteger.TEN.pow(18);
  private static final long FAR = 4_000_000_000L;

  /** Crashes once after the redeem of the second epoch, once before posting the first root. */
  static final class CrashBetweenRedeemAndPost implements PostingHook {
    private static final long serialVersionUID = 1L;
    static final Set<String> FIRED = ConcurrentHashMap.newKeySet();

    @Override
    public void afterRedeem(long epoch, String transactionHash) {
      if (epoch == FIRST + 1 && FIRED.add("after-redeem")) {
        throw new RootCommitter.InjectedFailure("injected crash after redeeming " + epoch);
      }
    }

    @Override
    public void beforePost(long epoch) {
      if (epoch == FIRST && FIRED.add("before-post")) {
        throw new RootCommitter.InjectedFailure("injected crash before posting " + epoch);
      }
    }
  }

  @Test
  void consumerPaymentsFundEveryRootExactlyOnceAcrossCrashes(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
    SettlementChain chain = SettlementChain.deploy(ANVIL, dir);
    PayableFixture fx = chain.fx;
    String escrowAddress = fx.deployment().consumerEscrow();
    ChainClient client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    Eip712Domain domain = VoucherSignatures.domain(ANVIL.chain().chainId(), escrowAddress);
    for (int c : CONSUMERS) {
      fx.token(PayableFixture.DEPLOYER).transfer(fx.address(c), DEPOSIT).send();
      escrow(client, fx, c).deposit(DEPOSIT);
    }
    LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"));
    List<AttributedReward> rewards = paid(fx, domain, unpaidRewards());
    String topic = "rewards.consumer-funded";
    KAFKA.createTopics(1, topic);
    PlatformIo.produce(
        KAFKA.kafka(),
        topic,
        RewardFixtures.encoded(RewardFixtures.withCloser(rewards, FIRST + EPOCHS)));

    Configuration config = chain.jobConfig(KAFKA.bootstrapServers(), topic, warehouse, false);
    config.set(SettlementOptions.CONSUMER_ESCROW, escrowAddress);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    SettlementJob.build(env, config, new CrashBetweenRedeemAndPost());
    JobClient job = env.executeAsync("settlement-consumer-funded");
    TreeMap<Long, TreeMap<String, BigInteger>> fees = feesByEpochAndConsumer(rewards);
    int chargeRows = fees.values().stream().mapToInt(Map::size).sum();
    try {
      awaitEpochFeedingWatermarks(chain, topic, FIRST + EPOCHS - 1);
      PlatformIo.awaitRows(warehouse, SettlementTables.SETTLEMENTS, EPOCHS);
      PlatformIo.awaitRows(warehouse, SettlementTables.CONSUMER_CHARGES, chargeRows);
      assertThat(CrashBetweenRedeemAndPost.FIRED)
          .containsExactlyInAnyOrder("after-redeem", "before-post");
      assertThat(cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo())
          .as("the job really failed and recovered")
          .isNotNull();
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }

    // One root per epoch, the reference roots.
    assertThat(chain.postedRoots()).containsExactlyElementsOf(chain.expectedRoots(rewards));

    // Per consumer: deposit - balance = redeemed = its fees; nothing taken twice.
    BigInteger totalRedeemed = BigInteger.ZERO;
    for (int c : CONSUMERS) {
      String consumer = fx.address(c).toLowerCase(Locale.ROOT);
      BigInteger consumerFees =
          fees.values().stream()
              .map(m -> m.getOrDefault(consumer, BigInteger.ZERO))
              .reduce(BigInteger.ZERO, BigInteger::add);
      EscrowAccount account = escrow(client, fx, c).account(consumer);
      assertThat(consumerFees).as("consumer %s was charged", consumer).isPositive();
      assertThat(DEPOSIT.subtract(account.balance())).as(consumer).isEqualTo(consumerFees);
      assertThat(account.redeemed()).as(consumer).isEqualTo(consumerFees);
      totalRedeemed = totalRedeemed.add(account.redeemed());
    }
    // In total: redeemed = fees = the last root's total = everything the distributor was funded.
    BigInteger totalFees = RewardFixtures.totalFees(rewards);
    assertThat(totalRedeemed).isEqualTo(totalFees);
    var distributor = fx.distributor(PayableFixture.DEPLOYER);
    assertThat(distributor.totalFunded().send()).isEqualTo(totalFees);
    int last = distributor.distributionCount().send().intValueExact() - 1;
    assertThat(distributor.distributionAt(BigInteger.valueOf(last)).send().totalCumulative)
        .isEqualTo(totalFees);

    // consumer_charges: one row per epoch and consumer, written once, each naming its redeem.
    List<Record> rows = PlatformIo.rows(warehouse, SettlementTables.CONSUMER_CHARGES);
    assertThat(rows).hasSize(chargeRows);
    TreeMap<String, BigInteger> running = new TreeMap<>();
    for (Map.Entry<Long, TreeMap<String, BigInteger>> epoch : fees.entrySet()) {
      for (Map.Entry<String, BigInteger> charged : epoch.getValue().entrySet()) {
        BigInteger cumulative =
            running.merge(charged.getKey(), charged.getValue(), BigInteger::add);
        Record row =
            rows.stream()
                .filter(
                    r ->
                        (long) r.getField("epoch") == epoch.getKey()
                            && r.getField("consumer").equals(charged.getKey()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + epoch.getKey()));
        assertThat(wei(row, "epoch_charged_wei")).isEqualTo(charged.getValue());
        assertThat(wei(row, "charged_wei")).isEqualTo(cumulative);
        assertThat(wei(row, "redeemed_wei")).isEqualTo(cumulative);
        assertThat(wei(row, "shortfall_wei")).isZero();
        assertThat(row.getField("status")).isEqualTo("redeemed");
        assertThat((String) row.getField("tx_hash")).startsWith("0x");
      }
    }

    // Claim a leaf: claimed + still claimable = the root total.
    ProtocolParameters params = ProtocolParameters.read(fx.params(PayableFixture.DEPLOYER));
    ANVIL.chain().advance(params.activationDelaySeconds());
    Map.Entry<String, BigInteger> leaf =
        RewardFixtures.cumulative(rewards).lastEntry().getValue().firstEntry();
    BigInteger claimed = chain.claim(ANVIL.chain(), warehouse, leaf.getKey());
    assertThat(claimed).isEqualTo(leaf.getValue()).isPositive();
    BigInteger claimable =
        fx.token(PayableFixture.DEPLOYER).balanceOf(fx.deployment().rewardDistributor()).send();
    assertThat(claimed.add(claimable)).isEqualTo(totalFees);
  }

  /**
   * A consumer withdraws what it authorised before the epoch is redeemed: the others are redeemed,
   * the root waits (it is never posted unfunded) until the operator funds the missing amount, and
   * the consumer's row says what it did not pay.
   */
  @Test
  void aConsumerThatWithdrewLeavesTheRootWaitingUntilItIsFunded(@TempDir Path dir)
      throws Exception {
    long epoch = FIRST + 10;
    SettlementChain chain = SettlementChain.deploy(ANVIL, dir);
    PayableFixture fx = chain.fx;
    String escrowAddress = fx.deployment().consumerEscrow();
    ChainClient client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    Eip712Domain domain = VoucherSignatures.domain(ANVIL.chain().chainId(), escrowAddress);
    for (int c : CONSUMERS) {
      fx.token(PayableFixture.DEPLOYER).transfer(fx.address(c), DEPOSIT).send();
      escrow(client, fx, c).deposit(DEPOSIT);
    }
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      accounts.add(Keys.toChecksumAddress(String.format("0x%040x", 0xDEB7L * 1000 + i)));
    }
    List<AttributedReward> rewards =
        paid(fx, domain, RewardFixtures.rewards(epoch, 1, 6, accounts, 41));
    // The last consumer was served, then withdrew everything before settlement redeemed it.
    int leaver = CONSUMERS[CONSUMERS.length - 1];
    String leaverAddress = fx.address(leaver).toLowerCase(Locale.ROOT);
    EscrowClient leaverEscrow = escrow(client, fx, leaver);
    leaverEscrow.requestWithdrawal(DEPOSIT);
    ANVIL.chain().advance(leaverEscrow.withdrawalDelay() + 1);
    leaverEscrow.withdraw();
    BigInteger owed = feesByEpochAndConsumer(rewards).get(epoch).get(leaverAddress);
    BigInteger totalFees = RewardFixtures.totalFees(rewards);

    LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"));
    String topic = "rewards.consumer-shortfall";
    KAFKA.createTopics(1, topic);
    PlatformIo.produce(
        KAFKA.kafka(),
        topic,
        RewardFixtures.encoded(RewardFixtures.withCloser(rewards, epoch + 1)));
    Configuration config = chain.jobConfig(KAFKA.bootstrapServers(), topic, warehouse, false);
    config.set(SettlementOptions.CONSUMER_ESCROW, escrowAddress);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    SettlementJob.build(env, config);
    JobClient job = env.executeAsync("settlement-consumer-shortfall");
    var distributor = fx.distributor(PayableFixture.DEPLOYER);
    try {
      PlatformIo.awaitRows(warehouse, SettlementTables.EPOCH_REWARDS, 1);
      // The paying consumers are redeemed; the root waits for the leaver's part.
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!distributor.totalFunded().send().equals(totalFees.subtract(owed))
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(distributor.totalFunded().send()).isEqualTo(totalFees.subtract(owed));
      Thread.sleep(2_000);
      assertThat(chain.postedRoots()).as("nothing posted unfunded").isEmpty();
      assertThat(PlatformIo.rows(warehouse, SettlementTables.CONSUMER_CHARGES)).isEmpty();

      chain.fund(owed);
      chain.awaitEpoch(epoch);
      PlatformIo.awaitRows(warehouse, SettlementTables.CONSUMER_CHARGES, CONSUMERS.length);
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
    assertThat(chain.postedRoots()).containsExactlyElementsOf(chain.expectedRoots(rewards));
    assertThat(distributor.totalFunded().send()).isEqualTo(totalFees);
    List<Record> rows = PlatformIo.rows(warehouse, SettlementTables.CONSUMER_CHARGES);
    assertThat(rows).hasSize(CONSUMERS.length);
    for (Record row : rows) {
      if (row.getField("consumer").equals(leaverAddress)) {
        assertThat(row.getField("status")).isEqualTo("shortfall");
        assertThat(wei(row, "shortfall_wei")).isEqualTo(owed);
        assertThat(wei(row, "redeemed_wei")).isZero();
        assertThat(row.getField("tx_hash")).isNull();
      } else {
        assertThat(row.getField("status")).isEqualTo("redeemed");
        assertThat(wei(row, "redeemed_wei")).isEqualTo(wei(row, "charged_wei"));
      }
    }
    assertThat(leaverEscrow.account(leaverAddress).redeemed()).isZero();
  }

  /**
   * Waits for {@code epoch} on chain. Watermarks are not part of a checkpoint: after each crash the
   * restarted job closes the epochs it had closed after its checkpoint again only when a later
   * reward arrives, as rewards keep arriving in production. So after each crash one more reward of
   * the still-open closing epoch is produced.
   */
  private static void awaitEpochFeedingWatermarks(SettlementChain chain, String topic, long epoch)
      throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    int fed = 0;
    var distributor = chain.fx.distributor(PayableFixture.DEPLOYER);
    while (System.nanoTime() < deadline) {
      var last = distributor.lastPostedEpoch().send();
      if (last.component1() && last.component2().longValueExact() >= epoch) {
        return;
      }
      if (CrashBetweenRedeemAndPost.FIRED.size() > fed) {
        fed++;
        AttributedReward closer =
            RewardFixtures.withCloser(unpaidRewards(), FIRST + EPOCHS).get(EPOCHS * 6);
        PlatformIo.produce(
            KAFKA.kafka(),
            topic,
            RewardFixtures.encoded(
                List.of(
                    new AttributedReward(
                        "closer-" + fed,
                        closer.eventTime() + fed * 1_000L,
                        closer.epoch(),
                        closer.modelId(),
                        closer.adapterId(),
                        closer.consumer(),
                        closer.workerId(),
                        closer.feeWei(),
                        true,
                        closer.payouts()))));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("epoch " + epoch + " not posted after 120 s");
  }

  private static BigInteger wei(Record row, String column) {
    return ((BigDecimal) row.getField(column)).toBigIntegerExact();
  }

  private static EscrowClient escrow(ChainClient client, PayableFixture fx, int account) {
    return EscrowClient.connect(client, fx.deployment(), fx.account(account).credentials());
  }

  private static List<AttributedReward> unpaidRewards() {
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accounts.add(Keys.toChecksumAddress(String.format("0x%040x", 0xFEE5L * 1000 + i)));
    }
    return RewardFixtures.rewards(FIRST, EPOCHS, 6, accounts, 31);
  }

  /**
   * The rewards as the attribution job writes them for paying consumers (taken in turn): each with
   * its consumer's cumulative charges and a voucher signed for them plus a margin.
   */
  private static List<AttributedReward> paid(
      PayableFixture fx, Eip712Domain domain, List<AttributedReward> rewards) {
    TreeMap<String, BigInteger> charged = new TreeMap<>();
    List<AttributedReward> out = new ArrayList<>();
    for (int i = 0; i < rewards.size(); i++) {
      AttributedReward r = rewards.get(i);
      int c = CONSUMERS[i % CONSUMERS.length];
      String consumer = fx.address(c).toLowerCase(Locale.ROOT);
      BigInteger total = charged.merge(consumer, r.feeWei(), BigInteger::add);
      BigInteger amount = total.add(BigInteger.valueOf(1_000));
      String signature =
          VoucherSignatures.sign(
              domain, new Voucher(consumer, amount, FAR), fx.account(c).credentials());
      out.add(
          new AttributedReward(
              r.eventId(),
              r.eventTime(),
              r.epoch(),
              r.modelId(),
              r.adapterId(),
              consumer,
              r.workerId(),
              r.feeWei(),
              r.attributed(),
              r.payouts(),
              total,
              new InferenceEvent.PaymentVoucher(amount, FAR, signature)));
    }
    return out;
  }

  /** epoch -> consumer -> fees of its events in that epoch. */
  private static TreeMap<Long, TreeMap<String, BigInteger>> feesByEpochAndConsumer(
      List<AttributedReward> rewards) {
    TreeMap<Long, TreeMap<String, BigInteger>> out = new TreeMap<>();
    for (AttributedReward r : rewards) {
      out.computeIfAbsent(r.epoch(), e -> new TreeMap<>())
          .merge(r.consumer(), r.feeWei(), BigInteger::add);
    }
    return out;
  }
}
