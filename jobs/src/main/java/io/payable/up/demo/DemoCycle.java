package io.payable.up.demo;

import io.payable.attribution.sink.AttributionTables;
import io.payable.cli.PayableCli;
import io.payable.contracts.client.RewardsClient;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.attribution.AttributionJob;
import io.payable.jobs.attribution.AttributionOptions;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.ingest.IngestJob;
import io.payable.jobs.ingest.IngestOptions;
import io.payable.jobs.settlement.SettlementJob;
import io.payable.jobs.settlement.SettlementOptions;
import io.payable.settlement.SettlementTables;
import io.payable.up.EmbeddedStack;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.web3j.utils.Numeric;
import picocli.CommandLine;

/**
 * One full cycle of the platform on the embedded stack: contracts, Datanets, adapters and a worker
 * on anvil; contributions signed and submitted; the ingest, attribution and settlement jobs on the
 * MiniCluster; a LoRA worker and load-generator traffic; a live summary; and at the end every
 * contributor's payouts and one claim on chain.
 */
public final class DemoCycle implements AutoCloseable {

  private final EmbeddedStack stack;
  private final PrintWriter out;
  private final Duration epoch;
  private final List<JobClient> jobs = new ArrayList<>();
  private DemoChain chain;
  private DemoWorker worker;
  private DemoModelFactory modelFactory;
  private DemoTraffic traffic;

  public DemoCycle(EmbeddedStack stack, PrintWriter out, Duration epoch) {
    this.stack = stack;
    this.out = out;
    this.epoch = epoch;
  }

  /** Sets everything up and starts the jobs and the traffic; returns at once. */
  public void start() throws Exception {
    Path dir = stack.dataDir();
    Map<String, String> adapters = new LinkedHashMap<>();
    Map<String, String> adapterOfDatanet = new LinkedHashMap<>();
    for (String datanet : DemoCorpora.FILES.keySet()) {
      adapters.put(datanet + "-qa", datanet);
    }
    chain = DemoChain.setUp(stack.chain(), dir.resolve("chain"), epoch, adapters);
    for (String datanet : DemoCorpora.FILES.keySet()) {
      adapterOfDatanet.put(Numeric.toHexString(chain.datanetId(datanet)), datanet + "-qa");
    }
    say(
        "Contracts deployed (RewardDistributor %s, funded); Datanets %s; adapters %s; worker %s"
            + " registered.",
        chain.deployment.rewardDistributor(),
        DemoCorpora.FILES.keySet(),
        adapters.keySet(),
        chain.address(DemoChain.WORKER));

    String bootstrap = stack.kafka().bootstrapServers();
    Path corpora = DemoCorpora.locate();
    int submitted = DemoContributions.submit(chain, bootstrap, corpora, 25);
    say(
        "Signed and submitted %d contributions from %d contributors.",
        submitted, DemoChain.CONTRIBUTORS);

    jobs.add(run("payable-ingest", env -> IngestJob.build(env, ingestConfig(bootstrap))));
    jobs.add(
        run("payable-attribution", env -> AttributionJob.build(env, attributionConfig(bootstrap))));
    jobs.add(
        run("payable-settlement", env -> SettlementJob.build(env, settlementConfig(bootstrap))));
    say(
        "Jobs running: ingest, attribution, settlement (Flink REST %s).",
        stack.flink().restAddress());

    worker =
        DemoWorker.start(dir.resolve("models"), chain, bootstrap, List.copyOf(adapters.keySet()));
    say("LoRA worker serving %s at %s.", adapters.keySet(), worker.url());
    modelFactory =
        DemoModelFactory.start(
            stack.warehouse().catalog(), dir.resolve("model-runs"), chain, worker);
    say(
        "ModelFactory API at %s/v1/trainings (base model %s).",
        modelFactory.url(), DemoWorker.MODEL_ID);
    List<String> prompts = new ArrayList<>();
    for (String datanet : DemoCorpora.FILES.keySet()) {
      DemoCorpora.passages(corpora, datanet, 5).forEach(p -> prompts.add(p.substring(0, 60)));
    }
    traffic =
        new DemoTraffic(worker, chain, bootstrap, stack.indexStore(), adapterOfDatanet, prompts, 4);
    traffic.start();
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

  /** Posted roots so far. */
  public int rootsPosted() throws Exception {
    return rewards().distributions().size();
  }

  /** One line of live status. */
  public String summary() throws Exception {
    return String.format(
        "contributions %d accepted / %d rejected | shards %d | completions %d, events %d attributed"
            + " | epochs settled %d",
        rows(IngestTables.CONTRIBUTIONS),
        rows(IngestTables.REJECTIONS),
        rows(IngestTables.INDEX_SHARDS),
        traffic == null ? 0 : traffic.completions(),
        attributedEvents(),
        rewards().distributions().size());
  }

  /** Stops the traffic, shows every contributor's payouts and makes one claim. */
  public CycleReport finish() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
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
    String claimant = null;
    BigInteger claimed = BigInteger.ZERO;
    String[] source = {
      "--rpc",
      stack.chain().rpcUrl(),
      "--deployment",
      chain.deploymentFile.toString(),
      "--warehouse",
      stack.warehouse().location()
    };
    for (int c = 0; c < DemoChain.CONTRIBUTORS; c++) {
      int account = DemoChain.FIRST_CONTRIBUTOR + c;
      say("$ payable payouts %s", chain.address(account));
      cli(concat(new String[] {"payouts", chain.address(account)}, source));
    }
    int account = active.isPresent() ? richestContributor(active.getAsLong()) : -1;
    if (account > 0) {
      claimant = chain.address(account);
      BigInteger before = chain.token(account).balanceOf(claimant).send();
      say("$ payable claim %s --key-file <contributor key>", claimant);
      cli(
          concat(
              new String[] {"claim", claimant, "--key-file", chain.keyFile(account).toString()},
              source));
      claimed = chain.token(account).balanceOf(claimant).send().subtract(before);
      say("Claimed %s wei of OPEN for %s on chain.", claimed, claimant);
    } else {
      say("No contributor has a claimable amount yet: run longer (--duration) to see a claim.");
    }
    return new CycleReport(
        rows(IngestTables.CONTRIBUTIONS),
        rows(IngestTables.INDEX_SHARDS),
        attributedEvents(),
        rewards.distributions().size(),
        active,
        total,
        claimant,
        claimed,
        stack.chain().rpcUrl(),
        chain.deploymentFile.toString());
  }

  /** The contributor with the largest cumulative total in {@code epoch}, or -1 if none. */
  private int richestContributor(long epoch) throws Exception {
    var catalog = stack.warehouse().catalog();
    if (!catalog.tableExists(SettlementTables.EPOCH_REWARDS)) {
      return -1;
    }
    int best = -1;
    java.math.BigDecimal most = java.math.BigDecimal.ZERO;
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(catalog.loadTable(SettlementTables.EPOCH_REWARDS)).build()) {
      for (Record r : rows) {
        if ((Long) r.getField("epoch") != epoch) {
          continue;
        }
        String account = (String) r.getField("account");
        java.math.BigDecimal cumulative = (java.math.BigDecimal) r.getField("cumulative_wei");
        for (int c = 0; c < DemoChain.CONTRIBUTORS; c++) {
          int index = DemoChain.FIRST_CONTRIBUTOR + c;
          if (chain.address(index).equalsIgnoreCase(account) && cumulative.compareTo(most) > 0) {
            best = index;
            most = cumulative;
          }
        }
      }
    }
    return best;
  }

  private void cli(String... args) {
    CommandLine cli = new CommandLine(new PayableCli());
    cli.setOut(out);
    cli.setErr(out);
    cli.execute(args);
    out.flush();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
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

  private long attributedEvents() throws Exception {
    var catalog = stack.warehouse().catalog();
    if (!catalog.tableExists(AttributionTables.ATTRIBUTIONS)) {
      return 0;
    }
    Set<Object> events = new HashSet<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(catalog.loadTable(AttributionTables.ATTRIBUTIONS))
            .select("event_id")
            .build()) {
      rows.forEach(r -> events.add(r.getField("event_id")));
    }
    return events.size();
  }

  private interface Topology {
    void build(StreamExecutionEnvironment env) throws Exception;
  }

  private JobClient run(String name, Topology topology) throws Exception {
    Configuration config = new Configuration();
    config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    config.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        stack.dataDir().resolve("checkpoints").resolve(name).toUri().toString());
    StreamExecutionEnvironment env = stack.flink().environment(config);
    env.setParallelism(1);
    topology.build(env);
    return env.executeAsync(name);
  }

  private Configuration ingestConfig(String bootstrap) {
    Configuration c = common();
    c.set(IngestOptions.BOOTSTRAP_SERVERS, bootstrap);
    c.set(IngestOptions.CURATION_TOPIC, io.payable.up.PlatformTopics.CURATION);
    c.set(IngestOptions.CHAIN_RPC_URL, stack.chain().rpcUrl());
    c.set(IngestOptions.CHAIN_ID, stack.chain().chainId());
    c.set(IngestOptions.DATANET_REGISTRY, chain.deployment.datanetRegistry());
    c.set(IngestOptions.ANCHOR_KEY, "file:" + chain.keyFile(DemoChain.ANCHORER));
    c.set(IngestOptions.INDEX_STORE, stack.indexStore().toUri().toString());
    c.set(IngestOptions.SHARD_MAX_AGE, Duration.ofSeconds(5));
    c.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
    return c;
  }

  private Configuration attributionConfig(String bootstrap) {
    Configuration c = common();
    c.set(AttributionOptions.BOOTSTRAP_SERVERS, bootstrap);
    c.set(AttributionOptions.PROTOCOL_TREASURY, chain.deployment.timelock());
    c.set(AttributionOptions.CHAIN_RPC_URL, stack.chain().rpcUrl());
    c.set(AttributionOptions.MODEL_REGISTRY, chain.deployment.modelRegistry());
    c.set(AttributionOptions.DATANET_REGISTRY, chain.deployment.datanetRegistry());
    c.set(AttributionOptions.PROTOCOL_PARAMS, chain.deployment.protocolParams());
    c.set(AttributionOptions.CHAIN_REFRESH, Duration.ofSeconds(5));
    c.set(AttributionOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
    c.set(AttributionOptions.INDEX_CACHE_DIR, stack.dataDir().resolve("index-cache").toString());
    return c;
  }

  private Configuration settlementConfig(String bootstrap) {
    Configuration c = common();
    c.set(SettlementOptions.BOOTSTRAP_SERVERS, bootstrap);
    c.set(SettlementOptions.CHAIN_RPC_URL, stack.chain().rpcUrl());
    c.set(SettlementOptions.DEPLOYMENT, chain.deploymentFile.toString());
    c.set(SettlementOptions.SETTLER_KEY, "file:" + chain.keyFile(DemoChain.DEPLOYER));
    c.set(SettlementOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
    c.set(SettlementOptions.ALLOWED_LATENESS, Duration.ofSeconds(5));
    c.set(SettlementOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(2));
    c.set(SettlementOptions.SOURCE_IDLE_TIMEOUT, Duration.ofSeconds(5));
    c.set(SettlementOptions.FUNDING_POLL_INTERVAL, Duration.ofSeconds(1));
    return c;
  }

  private Configuration common() {
    Configuration c = new Configuration();
    c.set(IcebergOptions.WAREHOUSE, stack.warehouse().location());
    return c;
  }

  private void say(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }

  @Override
  public void close() throws Exception {
    if (traffic != null) {
      traffic.close();
    }
    for (JobClient job : jobs) {
      try {
        job.cancel().get();
      } catch (Exception e) {
        // the cluster may be gone already
      }
    }
    if (modelFactory != null) {
      modelFactory.close();
    }
    if (worker != null) {
      worker.close();
    }
  }
}
