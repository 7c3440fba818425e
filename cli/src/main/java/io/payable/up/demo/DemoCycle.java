package io.payable.up.demo;

import io.payable.attribution.sink.AttributionTables;
import io.payable.contracts.client.RewardsClient;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.ingest.sink.IngestTables;
import io.payable.models.text.TextTokenizer;
import io.payable.up.EmbeddedStack;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * One full cycle of the platform on the embedded stack, step by step: deploy the contracts; create
 * the demo Datanets and submit signed contributions; run the ingest, attribution and settlement
 * jobs; prepare the base model; start a paying LoRA worker; train, register and publish one adapter
 * per Datanet; let consumers pay for completions; and at the end show every contributor's payouts
 * and make one claim. Each step is a class of its own; this one only runs them in order.
 */
public final class DemoCycle implements AutoCloseable {

  /** Consecutive words an output must share with a passage to count as reproducing it. */
  static final int REPRODUCED_WORDS = 8;

  private final EmbeddedStack stack;
  private final PrintWriter out;
  private final DemoPlan plan;
  private final Path base;
  private DemoChain chain;
  private DemoJobs jobs;
  private DemoWorker worker;
  private DemoConsumers consumers;
  private DemoModelFactory modelFactory;
  private List<DemoContributions.Contribution> contributions = List.of();
  private List<String> adapters = List.of();
  private boolean closed;
  private final java.util.concurrent.atomic.AtomicBoolean stopping =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param base the base model directory ({@code --base}); null for the random demo model
   */
  public DemoCycle(EmbeddedStack stack, PrintWriter out, DemoPlan plan, Path base) {
    this.stack = stack;
    this.out = out;
    this.plan = plan;
    this.base = base;
  }

  /** Runs every step up to the consumers' traffic, which goes on until {@link #finish}. */
  public void start() throws Exception {
    Path dir = stack.dataDir();
    String bootstrap = stack.kafka().bootstrapServers();
    chain =
        DemoChain.setUpOrResume(stack.chain(), dir.resolve("chain"), plan.epoch(), plan.datanets());
    if (chain.resumed()) {
      say(
          "[1/6] Resumed the platform of %s: RewardDistributor %s, ConsumerEscrow %s; Datanets %s;"
              + " worker %s (chain at block %d).",
          dir,
          chain.deployment.rewardDistributor(),
          chain.deployment.consumerEscrow(),
          plan.datanets(),
          chain.address(DemoChain.WORKER),
          chain.web3j.ethBlockNumber().send().getBlockNumber());
    } else {
      say(
          "[1/6] Contracts deployed: RewardDistributor %s, ConsumerEscrow %s; Datanets %s; worker"
              + " %s staked and registered.",
          chain.deployment.rewardDistributor(),
          chain.deployment.consumerEscrow(),
          plan.datanets(),
          chain.address(DemoChain.WORKER));
    }

    DemoBaseModel.Base model = DemoBaseModel.prepare(base, dir);
    Path corpora = DemoCorpora.locate();
    try (TextTokenizer tokenizer = TextTokenizer.load(model.dir())) {
      contributions = DemoContributions.of(plan, corpora, ContributionTokenizer.of(tokenizer));
    }
    long contributors =
        contributions.stream().map(DemoContributions.Contribution::contributor).distinct().count();
    if (chain.resumed() && DemoContributions.submittedBefore(bootstrap)) {
      say(
          "[2/6] %d contributions from %d contributors were submitted before; not submitted again.",
          contributions.size(), contributors);
    } else {
      DemoContributions.submit(chain, bootstrap, contributions);
      say(
          "[2/6] Signed and submitted %d contributions (passage beginnings of %d tokens) from %d"
              + " contributors, and one replay.",
          contributions.size(), plan.seqLen(), contributors);
    }

    jobs = new DemoJobs(stack, chain);
    List<String> restored = jobs.start();
    say(
        "[3/6] Jobs running: ingest, attribution, settlement (Flink REST %s)%s.",
        stack.flink().restAddress(),
        restored.isEmpty() ? "" : ", restored from their last checkpoints " + restored);

    worker =
        DemoWorker.start(
            model.dir(),
            dir.resolve("models").resolve("adapters"),
            chain,
            bootstrap,
            dir.resolve("payments").resolve("worker-charges.json"));
    say(
        "[4/6] LoRA worker at %s, base model %s%s.",
        worker.url(),
        model.id(),
        model.random()
            ? " (random weights: whatever the adapters can do, they learn from the Datanets)"
            : "");

    adapters =
        new DemoTraining(
                plan,
                chain,
                stack.warehouse().catalog(),
                model,
                dir.resolve("models").resolve("runs"),
                bootstrap,
                out)
            .trainAndPublish(worker, Duration.ofMinutes(3), stopping::get);
    modelFactory =
        DemoModelFactory.start(
            stack.warehouse().catalog(),
            dir.resolve("models").resolve("console-runs"),
            chain,
            model.dir().getParent(),
            worker);
    say(
        "[5/6] Adapters trained, registered on chain and served: %s; ModelFactory API at %s for"
            + " the Console.",
        adapters, modelFactory.url());

    consumers = DemoConsumers.start(plan, chain, worker, prompts(corpora), dir.resolve("payments"));
    DemoConsumers.depositForPlayground(chain);
    say(
        chain.resumed()
            ? "[6/6] %d consumers (%s wei of OPEN deposited each in ConsumerEscrow) send paid"
                + " completion requests again, their vouchers continuing from the last run's; the"
                + " Console's chat playground pays as one more."
            : "[6/6] %d consumers deposited %s wei of OPEN each into ConsumerEscrow and send paid"
                + " completion requests; the Console's chat playground pays as one more.",
        plan.consumers(),
        DemoConsumers.DEPOSIT);
  }

  /** Beginnings of the contributed passages, and of passages no one contributed. */
  private List<DemoConsumers.Prompt> prompts(Path corpora) {
    List<DemoConsumers.Prompt> prompts = new ArrayList<>();
    for (DemoContributions.Contribution c : contributions) {
      prompts.add(
          new DemoConsumers.Prompt(DemoPlan.adapterOf(c.datanet()), beginning(c.text()), c.text()));
    }
    for (String datanet : plan.datanets()) {
      for (String text : DemoCorpora.heldOut(corpora, datanet, plan.passagesPerDatanet(), 2)) {
        prompts.add(new DemoConsumers.Prompt(DemoPlan.adapterOf(datanet), beginning(text), null));
      }
    }
    return prompts;
  }

  private static String beginning(String passage) {
    return String.join(" ", Arrays.stream(passage.split(" ")).limit(10).toList());
  }

  /**
   * Asks a running {@link #start} to stop at the next step boundary (training stops at its next
   * step, keeping its checkpoints).
   */
  public void stop() {
    stopping.set(true);
  }

  /** The demo chain's deployment file (after {@link #start}). */
  public Path deploymentFile() {
    return chain.deploymentFile;
  }

  /** The demo LoRA worker's base URL (after {@link #start}). */
  public String workerUrl() {
    return worker.url();
  }

  /** The demo ModelFactory API's base URL (after {@link #start}). */
  public String modelFactoryUrl() {
    return modelFactory.url();
  }

  /**
   * The private key (hex) of the consumer the Console's chat playground pays with: an account of
   * its own with a deposit in ConsumerEscrow (after {@link #start}).
   */
  public String playgroundConsumerKey() {
    return org.web3j.utils.Numeric.toHexStringWithPrefixZeroPadded(
        chain.credentials(DemoChain.PLAYGROUND).getEcKeyPair().getPrivateKey(), 64);
  }

  /**
   * Where the Console keeps the playground consumer's payment channel (charged and signed totals),
   * beside the demo consumers' own, so that a restart continues its vouchers.
   */
  public Path playgroundChannelFile() {
    return stack.dataDir().resolve("payments").resolve("playground-channel.json");
  }

  /** The address of the consumer the Console's chat playground pays with. */
  public String playgroundConsumer() {
    return chain.address(DemoChain.PLAYGROUND);
  }

  /** Posted roots so far. */
  public int rootsPosted() throws Exception {
    return rewards().distributions().size();
  }

  /** The completions the worker served to the consumers, by event id. */
  public Map<String, DemoConsumers.Served> served() {
    return consumers == null ? Map.of() : consumers.served();
  }

  /** The contributions submitted. */
  public List<DemoContributions.Contribution> contributions() {
    return contributions;
  }

  /** The consumers' addresses. */
  public List<String> consumers() {
    List<String> out = new ArrayList<>();
    for (int c = 0; c < plan.consumers(); c++) {
      out.add(chain.address(DemoChain.FIRST_CONSUMER + c));
    }
    return out;
  }

  /** Cancels the jobs: nothing is attributed, redeemed or posted after this. */
  public void stopJobs() {
    if (jobs != null) {
      jobs.close();
    }
  }

  /** The address of a demo account. */
  public String address(int account) {
    return chain.address(account);
  }

  /** The demo chain (after {@link #start}). */
  public DemoChain chain() {
    return chain;
  }

  /** One line of live status. */
  public String summary() throws Exception {
    return String.format(
        "contributions %d accepted / %d rejected | shards %d | adapters %d | completions %d paid,"
            + " events %d attributed | epochs settled %d",
        rows(IngestTables.CONTRIBUTIONS),
        rows(IngestTables.REJECTIONS),
        rows(IngestTables.INDEX_SHARDS),
        adapters.size(),
        served().size(),
        attributedEvents().size(),
        rewards().distributions().size());
  }

  /** Stops the consumers, shows every contributor's payouts and makes one claim. */
  public CycleReport finish() throws Exception {
    if (consumers != null) {
      consumers.close();
    }
    var all = served().values();
    long begun = all.stream().filter(s -> s.prompt().contributed()).count();
    long reproduced =
        all.stream().filter(s -> s.prompt().reproducedBy(s.output(), REPRODUCED_WORDS)).count();
    say(
        "Served %d paid completions; of the %d that began a contribution, %d continued it word for"
            + " word (%d+ words).",
        all.size(), begun, reproduced, REPRODUCED_WORDS);
    // Roots activate one second after posting; mine a block past that, so the last one counts.
    Thread.sleep(1_100);
    stack.chain().mine();
    RewardsClient rewards = rewards();
    OptionalLong active = rewards.activeEpoch();
    BigInteger total = BigInteger.ZERO;
    if (active.isPresent()) {
      for (var d : rewards.distributions()) {
        if (d.epoch.longValueExact() == active.getAsLong()) {
          total = d.totalCumulative;
        }
      }
    }
    List<Integer> contributors =
        contributions.stream()
            .map(DemoContributions.Contribution::contributor)
            .distinct()
            .sorted()
            .toList();
    DemoPayouts.Claim claim =
        new DemoPayouts(chain, stack.warehouse().catalog(), out).showAndClaim(contributors);
    return new CycleReport(
        rows(IngestTables.CONTRIBUTIONS),
        rows(IngestTables.INDEX_SHARDS),
        attributedEvents().size(),
        rewards.distributions().size(),
        active,
        total,
        claim == null ? null : claim.account(),
        claim == null ? BigInteger.ZERO : claim.paid(),
        stack.chain().rpcUrl(),
        chain.deploymentFile.toString());
  }

  private RewardsClient rewards() {
    return new RewardsClient(chain.distributor(DemoChain.DEPLOYER));
  }

  private long rows(TableIdentifier id) {
    var catalog = stack.warehouse().catalog();
    if (!catalog.tableExists(id)) {
      return 0;
    }
    Table table = catalog.loadTable(id);
    Snapshot snapshot = table.currentSnapshot();
    return snapshot == null
        ? 0
        : Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
  }

  private Set<Object> attributedEvents() throws Exception {
    var catalog = stack.warehouse().catalog();
    Set<Object> events = new HashSet<>();
    if (!catalog.tableExists(AttributionTables.ATTRIBUTIONS)) {
      return events;
    }
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(catalog.loadTable(AttributionTables.ATTRIBUTIONS))
            .select("event_id")
            .build()) {
      rows.forEach(r -> events.add(r.getField("event_id")));
    }
    return events;
  }

  private void say(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }

  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    if (consumers != null) {
      consumers.close();
    }
    if (jobs != null) {
      jobs.close();
    }
    if (modelFactory != null) {
      modelFactory.close();
    }
    if (worker != null) {
      worker.close();
    }
  }
}
