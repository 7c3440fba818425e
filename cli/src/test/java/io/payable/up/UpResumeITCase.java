package io.payable.up;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.sink.AttributionTables;
import io.payable.console.ConsoleServer;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.testing.PlatformIo;
import io.payable.settlement.SettlementTables;
import io.payable.up.demo.DemoConsumers;
import io.payable.up.demo.DemoContributions;
import io.payable.up.demo.DemoCycle;
import io.payable.up.demo.DemoPlan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * {@code payable up --data-dir DIR} twice: the second run resumes the platform of the first. The
 * same contracts (no new deployment, no second deposit), nothing submitted or trained again, the
 * jobs restored from their checkpoints (no new rejection, no epoch posted twice, later epochs
 * only), the consumers' payment channels continued (their new completions are paid, attributed and
 * settled), and every wei of both runs accounted for: deposits - balances = redeemed = funded =
 * held + claimed, and the last root's total = the credited amounts = the fees of the attributed
 * events of the posted epochs (what was redeemed also covers, whole, any epoch redeemed but not yet
 * posted when the jobs stopped).
 */
class UpResumeITCase {

  private static final Logger LOG = LoggerFactory.getLogger(UpResumeITCase.class);

  /**
   * One Datanet, short epochs, and five training steps (the warm-up): what is resumed here does not
   * depend on what the adapter learnt.
   */
  static final DemoPlan PLAN =
      DemoPlan.defaults(Duration.ofSeconds(8))
          .withDatanets(List.of("moby-dick"))
          .withTrainingSteps(5);

  private static final List<TableIdentifier> REJECTIONS =
      List.of(IngestTables.REJECTIONS, AttributionTables.REJECTIONS, SettlementTables.REJECTIONS);

  @Test
  void aSecondRunOnTheSameDataDirectoryResumesTheFirst(@TempDir Path dir) throws Exception {
    Deployment deployment;
    List<String> roots;
    long lastEpoch;
    Map<TableIdentifier, Integer> rejections;
    StringWriter firstText = new StringWriter();
    try (EmbeddedStack stack = EmbeddedStack.start(dir, 4);
        DemoCycle cycle = new DemoCycle(stack, new PrintWriter(firstText, true), PLAN, null)) {
      cycle.start();
      await("a root posted in the first run", () -> cycle.rootsPosted() >= 1, cycle);
      assertPlaygroundChatIsPaid(stack, cycle);
      cycle.stopJobs();
      deployment = readDeployment(cycle);
      RewardsClient rewards = rewards(stack, deployment);
      roots = roots(rewards);
      lastEpoch = rewards.lastPostedEpoch().orElseThrow();
      rejections = rejections(stack);
    }
    LOG.info("first run:\n{}", firstText);
    // The replayed submission of the first run is its one rejection.
    assertThat(rejections.get(IngestTables.REJECTIONS)).as(firstText.toString()).isOne();

    StringWriter text = new StringWriter();
    try (EmbeddedStack stack = EmbeddedStack.start(dir, 4);
        DemoCycle cycle = new DemoCycle(stack, new PrintWriter(text, true), PLAN, null)) {
      cycle.start();
      LOG.info("second run's set-up:\n{}", text);
      assertThat(text.toString())
          .contains("[1/6] Resumed the platform of " + dir.toAbsolutePath())
          .contains("submitted before; not submitted again")
          .contains("restored from their last checkpoints")
          // The hybrid adapter's influence store, in the first run's run directory, is found and
          // announced again; nothing is trained again.
          .contains(
              "trained and registered before; loaded on the worker; attributed by hybrid,"
                  + " influence store of")
          .doesNotContain("Training " + DemoPlan.adapterOf(PLAN.datanets().get(0)) + " [")
          .doesNotContain("Contracts deployed")
          .doesNotContain("Signed and submitted");
      assertThat(readDeployment(cycle)).isEqualTo(deployment);
      // The playground consumer's vouchers continue from its kept channel, above the worker's
      // count of its first-run charges (the escrow has not redeemed those yet).
      assertPlaygroundChatIsPaid(stack, cycle);
      RewardsClient rewards = rewards(stack, deployment);
      await(
          "a root of an epoch with the second run's completions posted",
          () -> settled(stack, cycle, rewards.lastPostedEpoch().orElseThrow()),
          cycle);
      assertAttributedByHybrid(stack, cycle);
      cycle.stopJobs();
      Thread.sleep(1_100);
      stack.chain().mine();

      // The chain kept the first run's roots; the second run's come after, each epoch once.
      List<String> after = roots(rewards);
      assertThat(after.subList(0, roots.size())).isEqualTo(roots);
      List<Long> epochs =
          rewards.distributions().stream().map(d -> d.epoch.longValueExact()).toList();
      assertThat(epochs).isSorted().doesNotHaveDuplicates();
      assertThat(epochs.subList(roots.size(), epochs.size())).allMatch(e -> e > lastEpoch);
      assertThat(rejections(stack)).as("rejections after the restart").isEqualTo(rejections);
      assertConserved(stack, cycle, deployment, rewards);
    }
  }

  /**
   * Whether a completion served in this run (paid with a voucher that continues the first run's) is
   * attributed in an epoch at or before {@code posted}: its fee is in a root on chain.
   */
  private static boolean settled(EmbeddedStack stack, DemoCycle cycle, long posted)
      throws Exception {
    Set<String> served = cycle.served().keySet();
    if (served.isEmpty()) {
      return false;
    }
    for (Record r : PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS)) {
      if (served.contains((String) r.getField("event_id"))
          && (Long) r.getField("epoch") <= posted) {
        return true;
      }
    }
    return false;
  }

  /**
   * The second run's completions of the hybrid adapter are attributed by the hybrid method, and
   * some have their top training examples recorded: the resumed job scores against the store.
   */
  private static void assertAttributedByHybrid(EmbeddedStack stack, DemoCycle cycle)
      throws Exception {
    Set<String> served = cycle.served().keySet();
    List<Record> rows =
        PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS).stream()
            .filter(r -> served.contains((String) r.getField("event_id")))
            .toList();
    assertThat(rows)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getField("method")).isEqualTo("hybrid"));
    assertThat(PlatformIo.rows(stack.warehouse(), AttributionTables.INFLUENCES))
        .as("top training examples of the second run's events")
        .anyMatch(r -> served.contains((String) r.getField("event_id")));
  }

  private static void assertConserved(
      EmbeddedStack stack, DemoCycle cycle, Deployment deployment, RewardsClient rewards)
      throws Exception {
    var chainClient = new ChainClient(stack.chain().newClient(), stack.chain().chainId());
    EscrowClient escrow =
        EscrowClient.connect(chainClient, deployment, stack.chain().account(0).credentials());
    BigInteger deposits = BigInteger.ZERO;
    BigInteger balances = BigInteger.ZERO;
    BigInteger redeemed = BigInteger.ZERO;
    List<String> payers = new ArrayList<>(cycle.consumers());
    payers.add(cycle.playgroundConsumer());
    for (String consumer : payers) {
      var account = escrow.account(consumer);
      // Each consumer, and the Console's playground consumer, deposited once, in the first run.
      deposits = deposits.add(DemoConsumers.DEPOSIT);
      balances = balances.add(account.balance());
      redeemed = redeemed.add(account.redeemed());
    }
    long posted = rewards.lastPostedEpoch().orElseThrow();
    BigInteger rootTotal =
        rewards.distributions().get(rewards.distributions().size() - 1).totalCumulative;
    // Fees of the attributed events by epoch (each event once), and what the posted epochs credit.
    Map<Long, BigDecimal> feesByEpoch = new TreeMap<>();
    BigDecimal credited = BigDecimal.ZERO;
    Set<String> events = new HashSet<>();
    for (Record r : PlatformIo.rows(stack.warehouse(), AttributionTables.ATTRIBUTIONS)) {
      long epoch = (Long) r.getField("epoch");
      if (epoch <= posted) {
        credited = credited.add((BigDecimal) r.getField("amount_wei"));
      }
      if (events.add((String) r.getField("event_id"))) {
        feesByEpoch.merge(epoch, (BigDecimal) r.getField("fee_wei"), BigDecimal::add);
      }
    }
    BigDecimal postedFees = BigDecimal.ZERO;
    // Settlement redeems an epoch's charges just before it posts the epoch's root: jobs stopped
    // in between leave epochs redeemed whose roots the next run posts. What was redeemed is the
    // fees of every epoch through one at or after the last posted one, never part of an epoch.
    List<BigDecimal> redeemable = new ArrayList<>();
    BigDecimal through = BigDecimal.ZERO;
    for (Map.Entry<Long, BigDecimal> e : feesByEpoch.entrySet()) {
      through = through.add(e.getValue());
      if (e.getKey() <= posted) {
        postedFees = through;
      } else {
        redeemable.add(through);
      }
    }
    redeemable.add(0, postedFees);
    BigInteger claimed = BigInteger.ZERO;
    for (DemoContributions.Contribution c : cycle.contributions()) {
      claimed = claimed.add(rewards.claimed(cycle.address(c.contributor())));
    }
    BigInteger held =
        OpenToken.load(
                deployment.openToken(),
                stack.chain().newClient(),
                new ReadonlyTransactionManager(stack.chain().newClient(), deployment.openToken()),
                new DefaultGasProvider())
            .balanceOf(deployment.rewardDistributor())
            .send();
    String state =
        String.format(
            "posted %d, deposits %s, balances %s, redeemed %s, fees by epoch %s over %d events,"
                + " credited %s, root %s, funded %s, held %s, claimed %s",
            posted,
            deposits,
            balances,
            redeemed,
            feesByEpoch,
            events.size(),
            credited,
            rootTotal,
            rewards.totalFunded(),
            held,
            claimed);
    LOG.info("after the restart: {}", state);
    assertThat(redeemed).as(state).isPositive();
    assertThat(deposits.subtract(balances)).as(state).isEqualTo(redeemed);
    assertThat(rewards.totalFunded()).as(state).isEqualTo(redeemed);
    assertThat(held.add(claimed)).as(state).isEqualTo(redeemed);
    assertThat(new BigDecimal(rootTotal)).as(state).isEqualByComparingTo(postedFees);
    assertThat(new BigDecimal(rootTotal)).as(state).isEqualByComparingTo(credited);
    BigDecimal redeemedWei = new BigDecimal(redeemed);
    assertThat(redeemable)
        .as(state)
        .anySatisfy(fees -> assertThat(fees).isEqualByComparingTo(redeemedWei));
  }

  /**
   * One paid chat completion through the Console's playground, as the browser sends it: streamed,
   * and charged in its last chunk.
   */
  private static void assertPlaygroundChatIsPaid(EmbeddedStack stack, DemoCycle cycle)
      throws Exception {
    try (ConsoleServer console =
        ConsoleServer.start(UpCommand.consoleConfig(stack, cycle).port(0).build())) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(console.url()).resolve("/api/chat"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\":\""
                                  + DemoPlan.adapterOf(PLAN.datanets().get(0))
                                  + "\",\"max_tokens\":8,\"messages\":"
                                  + "[{\"role\":\"user\",\"content\":\"Call me\"}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).as(r.body()).contains("\"fee_wei\"").endsWith("data: [DONE]\n\n");
    }
    assertThat(cycle.playgroundChannelFile()).as("the playground's channel kept").isRegularFile();
  }

  private static Deployment readDeployment(DemoCycle cycle) {
    return Deployment.read(cycle.deploymentFile());
  }

  private static RewardsClient rewards(EmbeddedStack stack, Deployment deployment) {
    var web3j = stack.chain().newClient();
    return new RewardsClient(
        RewardDistributor.load(
            deployment.rewardDistributor(),
            web3j,
            new ReadonlyTransactionManager(web3j, deployment.rewardDistributor()),
            new DefaultGasProvider()));
  }

  /** Each posted root as {@code epoch:root:total}. */
  private static List<String> roots(RewardsClient rewards) throws Exception {
    return rewards.distributions().stream()
        .map(
            d ->
                d.epoch
                    + ":"
                    + org.web3j.utils.Numeric.toHexString(d.root)
                    + ":"
                    + d.totalCumulative)
        .toList();
  }

  private static Map<TableIdentifier, Integer> rejections(EmbeddedStack stack) throws Exception {
    Map<TableIdentifier, Integer> out = new LinkedHashMap<>();
    for (TableIdentifier table : REJECTIONS) {
      out.put(
          table,
          stack.warehouse().catalog().tableExists(table)
              ? PlatformIo.rows(stack.warehouse(), table).size()
              : 0);
    }
    return out;
  }

  private static void await(String what, Callable<Boolean> condition, DemoCycle cycle)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.call()) {
      assertThat(System.nanoTime()).as("%s: %s", what, cycle.summary()).isLessThan(deadline);
      Thread.sleep(1_000);
    }
  }
}
