package io.payable.up;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.sink.AttributionTables;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.OpenToken;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.testing.HostileRecords;
import io.payable.jobs.testing.PlatformIo;
import io.payable.settlement.SettlementTables;
import io.payable.up.demo.CycleReport;
import io.payable.up.demo.DemoConsumers;
import io.payable.up.demo.DemoContributions;
import io.payable.up.demo.DemoCycle;
import io.payable.up.demo.DemoPlan;
import io.payable.up.demo.Passages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The whole platform in one process, as {@code payable up} runs it: contributions become shards and
 * the training set of an adapter; consumers pay the worker for completions; exactly those
 * completions are attributed, some of them to contributors whose passages the adapter reproduces;
 * epochs are settled on chain and a contributor claims. Money is conserved: the fees of the
 * attributed events of the settled epochs are what the active root makes claimable. The adapter is
 * the demo's hybrid one: its events carry query sketches, are attributed by spans and gradient
 * influence against the influence store its training announced, and their top training examples are
 * recorded.
 */
class FullCycleITCase {

  private static final Logger LOG = LoggerFactory.getLogger(FullCycleITCase.class);

  /**
   * One Datanet, one adapter: the smallest cycle in which an adapter reproduces contributions. Its
   * adapter is the demo's hybrid one.
   */
  static final DemoPlan PLAN =
      DemoPlan.defaults(Duration.ofSeconds(10)).withDatanets(List.of("moby-dick"));

  /** Reasons an event of a gradient or hybrid adapter is rejected for its sketch or store. */
  static final Set<String> SKETCH_REJECTIONS =
      Set.of("missing_sketch", "bad_sketch", "sketch_mismatch", "influence_store_unavailable");

  @Test
  void contributionsToClaimsWithEveryWeiAccountedFor(@TempDir Path dir) throws Exception {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    try (EmbeddedStack stack = EmbeddedStack.start(dir, 4);
        DemoCycle cycle = new DemoCycle(stack, out, PLAN, null)) {
      cycle.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      Map<String, Map<Long, byte[]>> injected = null;
      while (cycle.rootsPosted() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(2_000);
        LOG.info("{}", cycle.summary());
        if (injected == null && cycle.rootsPosted() >= 1) {
          // Mid-run, a hostile producer fills every input topic; the cycle must go on.
          injected = injectHostileRecords(stack);
        }
      }
      assertThat(injected).as("hostile records were injected mid-run").isNotNull();
      CycleReport report = cycle.finish();
      LOG.info("demo output:\n{}", text);

      assertThat(report.fullCycle()).as(text.toString()).isTrue();
      long settled = report.activeEpoch().orElseThrow();
      BigInteger claimable = report.totalCumulative();

      // What settlement put into the settled epochs, and that nothing came late.
      BigDecimal settledAmounts = BigDecimal.ZERO;
      BigDecimal claimantCumulative = BigDecimal.ZERO;
      for (Record r : PlatformIo.rows(stack.warehouse(), SettlementTables.EPOCH_REWARDS)) {
        long epoch = (Long) r.getField("epoch");
        if (epoch <= settled) {
          settledAmounts = settledAmounts.add((BigDecimal) r.getField("epoch_amount_wei"));
          assertThat(((Number) r.getField("late_credits")).longValue()).isZero();
        }
        if (epoch == settled
            && report.claimant().equalsIgnoreCase((String) r.getField("account"))) {
          claimantCumulative = (BigDecimal) r.getField("cumulative_wei");
        }
      }
      // Every attributed event is a completion the worker served to a paying consumer, at the
      // fee it charged; what attribution paid out and the fees, for events of the settled epochs.
      Map<String, DemoConsumers.Served> served = cycle.served();
      Map<String, List<String>> passagesOf = new HashMap<>();
      for (DemoContributions.Contribution c : cycle.contributions()) {
        passagesOf
            .computeIfAbsent(cycle.address(c.contributor()), a -> new ArrayList<>())
            .add(c.text());
      }
      BigDecimal attributed = BigDecimal.ZERO;
      Map<String, BigDecimal> fees = new HashMap<>();
      Set<String> reproduced = new HashSet<>();
      for (Record r : PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS)) {
        String eventId = (String) r.getField("event_id");
        DemoConsumers.Served completion = served.get(eventId);
        assertThat(completion)
            .as("attributed event %s was served to a consumer", eventId)
            .isNotNull();
        assertThat(((BigDecimal) r.getField("fee_wei")).toBigIntegerExact())
            .isEqualTo(completion.feeWei());
        assertThat((String) r.getField("consumer"))
            .isEqualToIgnoringCase(cycle.address(completion.consumer()));
        String recipient = (String) r.getField("recipient");
        if ("contributor".equalsIgnoreCase((String) r.getField("role"))
            && ((BigDecimal) r.getField("amount_wei")).signum() > 0
            && passagesOf.getOrDefault(recipient, List.of()).stream()
                .anyMatch(p -> Passages.shareWords(completion.output(), p, 8))) {
          reproduced.add(recipient);
        }
        if ((Long) r.getField("epoch") <= settled) {
          attributed = attributed.add((BigDecimal) r.getField("amount_wei"));
          fees.put(eventId, (BigDecimal) r.getField("fee_wei"));
        }
      }
      LOG.info(
          "{} completions served, {} of them contributions' beginnings; contributors credited"
              + " through outputs that reproduce their passages: {}",
          served.size(),
          served.values().stream().filter(s -> s.prompt().contributed()).count(),
          reproduced);
      assertThat(reproduced).as("a contributor credited through a reproduced passage").isNotEmpty();
      assertHybridAttribution(stack, cycle, text.toString());
      BigDecimal feeSum = fees.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      LOG.info(
          "settled through epoch {}: claimable {} attributed {} fees {} over {} events",
          settled,
          claimable,
          attributed,
          feeSum,
          fees.size());
      assertThat(claimable.signum()).isPositive();
      assertThat(new BigDecimal(claimable)).isEqualByComparingTo(settledAmounts);
      assertThat(new BigDecimal(claimable)).isEqualByComparingTo(attributed);
      assertThat(new BigDecimal(claimable)).isEqualByComparingTo(feeSum);
      // The consumers paid for all of it: with the jobs stopped, what the escrow redeemed from
      // them (their deposits less their balances) funded the distributor, equals the fees of the
      // events of the posted epochs and the last root's total, and is now claimable or claimed.
      cycle.stopJobs();
      Thread.sleep(1_100);
      stack.chain().mine();
      var chainClient = new ChainClient(stack.chain().newClient(), stack.chain().chainId());
      Deployment deployment = Deployment.read(cycle.deploymentFile());
      EscrowClient escrow =
          EscrowClient.connect(chainClient, deployment, stack.chain().account(0).credentials());
      BigInteger deposits = BigInteger.ZERO;
      BigInteger balances = BigInteger.ZERO;
      BigInteger redeemed = BigInteger.ZERO;
      for (String consumer : cycle.consumers()) {
        var account = escrow.account(consumer);
        deposits = deposits.add(DemoConsumers.DEPOSIT);
        balances = balances.add(account.balance());
        redeemed = redeemed.add(account.redeemed());
      }
      RewardsClient rewards =
          RewardsClient.connect(chainClient, deployment, stack.chain().account(0).credentials());
      long posted = rewards.lastPostedEpoch().orElseThrow();
      BigInteger rootTotal =
          rewards.distributions().get(rewards.distributions().size() - 1).totalCumulative;
      BigDecimal postedFees = BigDecimal.ZERO;
      Set<String> counted = new HashSet<>();
      for (Record r : PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS)) {
        if ((Long) r.getField("epoch") <= posted && counted.add((String) r.getField("event_id"))) {
          postedFees = postedFees.add((BigDecimal) r.getField("fee_wei"));
        }
      }
      BigInteger claimed = BigInteger.ZERO;
      for (String a : passagesOf.keySet()) {
        claimed = claimed.add(rewards.claimed(a));
      }
      BigInteger held =
          OpenToken.load(
                  deployment.openToken(),
                  stack.chain().newClient(),
                  new ReadonlyTransactionManager(stack.chain().newClient(), deployment.openToken()),
                  new DefaultGasProvider())
              .balanceOf(deployment.rewardDistributor())
              .send();
      LOG.info(
          "through epoch {}: deposits {} balances {} redeemed {} fees {} root {} held {} claimed {}",
          posted,
          deposits,
          balances,
          redeemed,
          postedFees,
          rootTotal,
          held,
          claimed);
      Map<Long, BigDecimal> feesByEpoch = new java.util.TreeMap<>();
      Set<String> seen = new HashSet<>();
      for (Record r : PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS)) {
        if (seen.add((String) r.getField("event_id"))) {
          feesByEpoch.merge(
              (Long) r.getField("epoch"), (BigDecimal) r.getField("fee_wei"), BigDecimal::add);
        }
      }
      StringBuilder roots = new StringBuilder();
      for (var d : rewards.distributions()) {
        roots.append(d.epoch).append(':').append(d.totalCumulative).append(' ');
      }
      String state =
          String.format(
              "posted %d, roots %s, fees by epoch %s, deposits %s, balances %s, redeemed %s,"
                  + " funded %s, held %s, claimed %s",
              posted,
              roots,
              feesByEpoch,
              deposits,
              balances,
              redeemed,
              rewards.totalFunded(),
              held,
              claimed);
      assertThat(redeemed).as(state).isPositive();
      assertThat(deposits.subtract(balances)).as(state).isEqualTo(redeemed);
      assertThat(new BigDecimal(redeemed)).as(state).isEqualByComparingTo(postedFees);
      assertThat(rootTotal).as(state).isEqualTo(redeemed);
      assertThat(rewards.totalFunded()).as(state).isEqualTo(redeemed);
      assertThat(held.add(claimed)).as(state).isEqualTo(redeemed);
      assertThat(claimed).isEqualTo(report.claimed());
      // The claim paid exactly the claimant's cumulative total.
      assertThat(new BigDecimal(report.claimed())).isEqualByComparingTo(claimantCumulative);
      assertThat(text.toString()).contains("Payouts (active root: epoch").contains("Claimed ");
      assertThat(List.of(report.contributionsAccepted(), report.shards())).allMatch(n -> n > 0);
      for (var e : injected.entrySet()) {
        TableIdentifier table = TABLES.get(e.getKey());
        PlatformIo.awaitRows(stack.warehouse(), table, e.getValue().size());
        HostileRecords.assertEachInTableOnce(stack.warehouse(), table, e.getKey(), e.getValue());
      }
    }
  }

  /**
   * The hybrid adapter's influence store was announced, every attributed event was attributed by
   * the hybrid method, and their top training examples are recorded: contributions of the adapter's
   * training set, by their contributors, ranked from 0 by decreasing score; no event was rejected
   * for its sketch or for want of the store.
   */
  private static void assertHybridAttribution(EmbeddedStack stack, DemoCycle cycle, String text)
      throws Exception {
    String adapter = DemoPlan.adapterOf("moby-dick");
    assertThat(PLAN.methodOf("moby-dick")).isEqualTo("hybrid");
    assertThat(text)
        .contains("Adapter " + adapter + ": ")
        .contains("attributed by hybrid, influence store of");
    List<Record> attributions = PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS);
    assertThat(attributions)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getField("adapter_id")).isEqualTo(adapter))
        .allSatisfy(r -> assertThat(r.getField("method")).isEqualTo("hybrid"));
    Set<Object> events = new HashSet<>();
    attributions.forEach(r -> events.add(r.getField("event_id")));
    Map<String, String> contributorOf = new HashMap<>();
    for (Record r : PlatformIo.rows(stack.warehouse(), IngestTables.CONTRIBUTIONS)) {
      contributorOf.put((String) r.getField("contribution_id"), (String) r.getField("contributor"));
    }
    List<Record> influences = PlatformIo.rows(stack.warehouse(), AttributionTables.INFLUENCES);
    assertThat(influences).as("rows in attribution_influences").isNotEmpty();
    Map<Object, List<Record>> byEvent = new HashMap<>();
    for (Record r : influences) {
      assertThat(events).contains(r.getField("event_id"));
      assertThat(contributorOf)
          .containsEntry(
              (String) r.getField("contribution_id"), (String) r.getField("contributor"));
      byEvent.computeIfAbsent(r.getField("event_id"), e -> new ArrayList<>()).add(r);
    }
    for (List<Record> rows : byEvent.values()) {
      rows.sort(java.util.Comparator.comparing(r -> (Integer) r.getField("rank")));
      assertThat(rows.get(0).getField("rank")).isEqualTo(0);
      for (int i = 1; i < rows.size(); i++) {
        assertThat((Integer) rows.get(i).getField("rank"))
            .isGreaterThanOrEqualTo((Integer) rows.get(i - 1).getField("rank"));
        assertThat((Double) rows.get(i).getField("score"))
            .isLessThanOrEqualTo((Double) rows.get(i - 1).getField("score"));
      }
    }
    LOG.info(
        "{} hybrid events, {} of them with top training examples ({} rows)",
        events.size(),
        byEvent.size(),
        influences.size());
    assertThat(PlatformIo.rows(stack.warehouse(), AttributionTables.REJECTIONS))
        .noneMatch(r -> SKETCH_REJECTIONS.contains((String) r.getField("reason")));
  }

  /** Where the rejections of each input topic land. */
  private static final Map<String, TableIdentifier> TABLES =
      Map.of(
          PlatformTopics.SUBMISSIONS, IngestTables.REJECTIONS,
          PlatformTopics.INFERENCE_EVENTS, AttributionTables.REJECTIONS,
          PlatformTopics.INDEX_MANIFEST, AttributionTables.REJECTIONS,
          PlatformTopics.REWARDS_ATTRIBUTED, SettlementTables.REJECTIONS);

  /**
   * Produces {@link HostileRecords#generic} records to the input topics (those within each topic's
   * limit) and returns, per topic, the offset (partition 0) and value of each record.
   */
  private static Map<String, Map<Long, byte[]>> injectHostileRecords(EmbeddedStack stack)
      throws Exception {
    Map<String, Map<Long, byte[]>> out = new HashMap<>();
    for (String topic : TABLES.keySet()) {
      int limit =
          Integer.parseInt(
              PlatformTopics.configs(topic).getOrDefault("max.message.bytes", "1048588"));
      List<byte[]> values = new ArrayList<>();
      HostileRecords.generic(topic.hashCode(), limit - 128).forEach(h -> values.add(h.value()));
      List<Long> offsets = HostileRecords.produce(stack.kafka(), topic, values);
      out.put(topic, HostileRecords.byOffset(offsets, values, i -> true));
      LOG.info("injected {} hostile records into {}", values.size(), topic);
    }
    return out;
  }
}
