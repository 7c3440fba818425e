package io.payable.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.attribution.sink.AttributionTables;
import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.Shard;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.IndexDocuments;
import io.payable.loadgen.IndexedDocument;
import io.payable.loadgen.InferenceEvents;
import io.payable.loadgen.PlantedOutputs;
import io.payable.settlement.SettlementTables;
import io.payable.up.demo.DemoChain;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.utils.Numeric;

/**
 * The shaded job jar on a standalone Flink cluster of separate processes, started, fed and stopped
 * by deploy/local/payable-cluster.sh: a JobManager, two TaskManagers and a Kafka broker, each its
 * own JVM, with the contracts on an anvil chain (its own process too). The ingest, attribution and
 * settlement jobs run on it. Mid-stream, after checkpoints and a first root posted on chain, one
 * TaskManager process running tasks of all three jobs is killed (SIGKILL); the jobs restart from
 * their last checkpoints on the remaining slots, and in the end the state is that of an undisturbed
 * run: every contribution, rejection and shard once; every inference event attributed once, in
 * Iceberg and on rewards.attributed; one root per settled epoch on chain, whose cumulative totals
 * are exactly what attribution paid each account.
 */
class StandaloneClusterITCase {

  private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterITCase.class);
  private static final Duration EPOCH = Duration.ofSeconds(6);
  private static final String DATANET_NAME = "cluster";
  // Derived from the demo treasury that creates it (DemoChain.datanetId), set once deployed.
  private static String datanet;
  private static final String ADAPTER = "cluster-qa";
  private static final String MODEL = "tiny-base";
  private static final BigInteger PRICE_WEI = BigInteger.TEN.pow(9);
  private static final int CONTRIBUTORS = 4;
  private static final int PER_CONTRIBUTOR = 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] WORDS = {
    "river", "harbour", "tide", "stone", "lantern", "orchard", "meadow", "copper", "signal",
    "window", "ledger", "compass", "valley", "thunder", "garden", "silver", "anchor", "market",
    "bridge", "candle", "forest", "island", "mirror", "needle", "ocean", "pepper", "quarry",
    "rocket", "saddle", "timber", "umbrella", "velvet", "walnut", "yellow", "zenith", "basket",
    "cellar", "desert", "engine", "falcon", "glacier", "hammer", "insect", "jacket", "kettle",
    "ladder", "marble", "nectar", "oyster", "parrot", "quiver", "ribbon", "summit", "tunnel"
  };

  /** Under target/, so the processes' logs outlive a failed run. */
  private static final Path CLUSTER_DIR = Path.of("target/standalone-cluster-it");

  private static AnvilChain chainNode;

  /** The jobs of deploy/local/jobs this test runs through the failure, in submission order. */
  private static final List<String> JOBS_UNDER_TEST =
      List.of("ingest", "attribution", "settlement");

  @Test
  void aKilledTaskManagerProcessLosesNothingAndPaysNothingTwice() throws Exception {
    Path dir = CLUSTER_DIR.toAbsolutePath();
    try (AnvilChain anvil = AnvilChain.start()) {
      chainNode = anvil;
      DemoChain chain =
          DemoChain.setUp(
              anvil,
              dir.resolveSibling(dir.getFileName() + "-chain"),
              EPOCH,
              List.of(DATANET_NAME));
      chain.registerAdapter(ADAPTER, DATANET_NAME, MODEL);
      chain.fundDistributor();
      datanet = Numeric.toHexString(chain.datanetId(DATANET_NAME));
      LOG.info("contracts deployed: {}", chain.deployment.rewardDistributor());
      Map<String, String> env = new HashMap<>();
      env.put("PAYABLE_TASKMANAGERS", "2");
      // Five slots each: after losing one TaskManager the other holds all three jobs (2 + 2 + 1).
      env.put("PAYABLE_TASK_SLOTS", "5");
      env.put("PAYABLE_TASKMANAGER_MEMORY", "1536m");
      env.put("PAYABLE_CHECKPOINT_INTERVAL", "1s");
      env.put("PAYABLE_SHARD_MAX_SYMBOLS", "300");
      env.put("PAYABLE_DATANETS", datanet + ":OPEN");
      env.put("PAYABLE_CHAIN_RPC_URL", anvil.rpcUrl());
      env.put("PAYABLE_CHAIN_DEPLOYMENT", chain.deploymentFile.toString());
      env.put("PAYABLE_SETTLER_KEY_SOURCE", "file:" + chain.keyFile(DemoChain.DEPLOYER));
      env.put("PAYABLE_ALLOWED_LATENESS", "5s");
      env.put("PAYABLE_MAX_OUT_OF_ORDERNESS", "2s");
      env.put("PAYABLE_SOURCE_IDLE_TIMEOUT", "30s");
      try (StandaloneCluster cluster = new StandaloneCluster(dir, env)) {
        run(cluster, chain);
      }
    }
  }

  private static void run(StandaloneCluster cluster, DemoChain chain) throws Exception {
    cluster.script("start");
    cluster.script("submit");
    Map<String, String> jobs = new LinkedHashMap<>();
    for (String name : JOBS_UNDER_TEST) {
      jobs.put(name, cluster.jobId(name));
    }
    for (String job : jobs.values()) {
      awaitRunning(cluster, job);
    }
    String bootstrap = cluster.kafkaBootstrap();
    LocalIcebergWarehouse warehouse =
        LocalIcebergWarehouse.open(cluster.dir().resolve("data/warehouse"));
    Path indexStore = cluster.dir().resolve("data/index");
    RewardsClient rewards = new RewardsClient(chain.distributor(DemoChain.DEPLOYER));
    Eip712Domain domain =
        Eip712Domain.payableDatanets(
            chain.deployment.chainId(), chain.deployment.datanetRegistry());
    List<Credentials> keys = new ArrayList<>();
    for (int c = 0; c < CONTRIBUTORS; c++) {
      keys.add(key(3000 + c));
    }

    int accepted = CONTRIBUTORS * PER_CONTRIBUTOR;
    int rejected = 0;
    InferenceTraffic traffic = new InferenceTraffic(bootstrap, chain, indexStore);
    try (KafkaProducer<byte[], byte[]> producer = PlatformIo.producer(bootstrap)) {
      rejected += contribute(producer, domain, keys, 1, PER_CONTRIBUTOR / 2);
      PlatformIo.awaitRows(warehouse, IngestTables.INDEX_SHARDS, 1);
      traffic.start();
      try {
        // Mid-run: shards indexed, events attributed, an epoch settled on chain, checkpoints done.
        await(
            "a first root on chain",
            Duration.ofSeconds(90),
            () -> !rewards.distributions().isEmpty());
        for (String job : jobs.values()) {
          assertThat(cluster.completedCheckpoints(job)).as("checkpoints of %s", job).isPositive();
        }
        int rootsBefore = rewards.distributions().size();
        String victim = taskManagerOfAll(cluster, jobs.values());
        LOG.info(
            "killing {} after {} events, {} roots", victim, traffic.produced().size(), rootsBefore);
        assertThat(ProcessHandle.of(cluster.pid(victim)).orElseThrow().destroyForcibly()).isTrue();
        for (String job : jobs.values()) {
          awaitFailover(cluster, job);
        }
        for (String job : jobs.values()) {
          awaitRunning(cluster, job);
        }
        // The rest of the input goes to the recovered jobs.
        rejected += contribute(producer, domain, keys, PER_CONTRIBUTOR / 2 + 1, PER_CONTRIBUTOR);
        int producedAtRecovery = traffic.produced().size();
        LOG.info("jobs recovered after {} events", producedAtRecovery);
        await(
            "events after the recovery attributed and a root posted",
            Duration.ofSeconds(90),
            () ->
                attributedEvents(warehouse).size() >= producedAtRecovery + 10
                    && rewards.distributions().size() > rootsBefore);
      } finally {
        traffic.close();
      }
    }

    LOG.info("input complete: {} events, {} replays", traffic.produced().size(), traffic.replays());
    // Ingest: as an undisturbed run, then drained (open shards sealed).
    String ingest = jobs.get("ingest");
    PlatformIo.awaitRows(warehouse, IngestTables.CONTRIBUTIONS, accepted);
    PlatformIo.awaitRows(warehouse, IngestTables.REJECTIONS, rejected);
    cluster.stopWithDrain(ingest);
    checkIngest(cluster, warehouse, accepted, rejected);

    LOG.info("ingest checked");
    // Attribution: every event once, every replay refused, then drained.
    Map<String, BigInteger> fees = traffic.produced();
    BigInteger feeTotal = fees.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
    await(
        "every event attributed",
        Duration.ofSeconds(90),
        () -> attributedEvents(warehouse).size() >= fees.size());
    PlatformIo.awaitRows(warehouse, AttributionTables.REJECTIONS, traffic.replays());
    cluster.stopWithDrain(jobs.get("attribution"));
    List<Record> attributions = PlatformIo.rows(warehouse, AttributionTables.ATTRIBUTIONS);
    Map<String, BigDecimal> paidPerEvent = new HashMap<>();
    Map<String, BigDecimal> paidPerAccount = new HashMap<>();
    for (Record r : attributions) {
      BigDecimal amount = (BigDecimal) r.getField("amount_wei");
      paidPerEvent.merge((String) r.getField("event_id"), amount, BigDecimal::add);
      paidPerAccount.merge(
          ((String) r.getField("recipient")).toLowerCase(Locale.ROOT), amount, BigDecimal::add);
    }
    assertThat(paidPerEvent.keySet())
        .as("every event attributed")
        .containsExactlyInAnyOrderElementsOf(fees.keySet());
    for (Map.Entry<String, BigDecimal> e : paidPerEvent.entrySet()) {
      assertThat(e.getValue())
          .as("payouts of %s sum to its fee (no row twice)", e.getKey())
          .isEqualByComparingTo(new BigDecimal(fees.get(e.getKey())));
    }
    List<Record> refused = PlatformIo.rows(warehouse, AttributionTables.REJECTIONS);
    assertThat(refused).as("replays refused: %s", refused).hasSize(traffic.replays());
    Map<TopicPartition, Long> rewardsEnd = new HashMap<>();
    List<JsonNode> rewarded =
        PlatformIo.consume(bootstrap, "rewards.attributed", fees.size(), rewardsEnd);
    assertThat(rewarded.stream().map(r -> r.path("event_id").asText()).toList())
        .as("rewards.attributed (read_committed): every event once")
        .containsExactlyInAnyOrderElementsOf(fees.keySet());
    assertThat(
            PlatformIo.consume(
                bootstrap, "inference.rejections", traffic.replays(), new HashMap<>()))
        .hasSize(traffic.replays());

    LOG.info("attribution checked");
    // Settlement: every reward consumed, then drained, which closes the open epochs.
    awaitConsumed(bootstrap, "payable-settlement", rewardsEnd);
    cluster.stopWithDrain(jobs.get("settlement"));
    Set<Long> rewardEpochs = new TreeSet<>();
    PlatformIo.rows(warehouse, SettlementTables.EPOCH_REWARDS)
        .forEach(r -> rewardEpochs.add((Long) r.getField("epoch")));
    await(
        "a root for every settled epoch",
        Duration.ofSeconds(60),
        () -> rewards.distributions().size() >= rewardEpochs.size());
    List<RewardDistributor.Distribution> roots = rewards.distributions();
    List<Long> rootEpochs = roots.stream().map(d -> d.epoch.longValueExact()).toList();
    LOG.info(
        "{} events, fees {} wei; {} attribution rows; roots for epochs {}",
        fees.size(),
        feeTotal,
        attributions.size(),
        rootEpochs);
    assertThat(roots).noneMatch(d -> d.disabled);
    assertThat(rootEpochs).as("one root per settled epoch").doesNotHaveDuplicates();
    assertThat(new TreeSet<>(rootEpochs)).containsExactlyElementsOf(rewardEpochs);
    long settled = rootEpochs.get(rootEpochs.size() - 1);
    // Roots activate one second after posting (demo profile): mine a block past that.
    Thread.sleep(1_100);
    chainNode.mine();
    assertThat(rewards.activeEpoch()).hasValue(settled);
    BigInteger total = roots.get(roots.size() - 1).totalCumulative;
    assertThat(total).as("active root's total: every fee, once").isEqualTo(feeTotal);
    await(
        "a settlements row for every root",
        Duration.ofSeconds(30),
        () -> PlatformIo.rows(warehouse, SettlementTables.SETTLEMENTS).size() >= roots.size());
    Map<Long, BigInteger> recorded = new HashMap<>();
    for (Record r : PlatformIo.rows(warehouse, SettlementTables.SETTLEMENTS)) {
      BigInteger wei = ((BigDecimal) r.getField("total_cumulative_wei")).toBigIntegerExact();
      assertThat(recorded.put((Long) r.getField("epoch"), wei))
          .as("settlements: epoch %s recorded once", r.getField("epoch"))
          .isNull();
    }
    Map<Long, BigInteger> posted = new HashMap<>();
    roots.forEach(d -> posted.put(d.epoch.longValueExact(), d.totalCumulative));
    assertThat(recorded).as("settlements match the roots on chain").isEqualTo(posted);
    Map<String, BigDecimal> cumulative = new HashMap<>();
    int late = 0;
    for (Record r : PlatformIo.rows(warehouse, SettlementTables.EPOCH_REWARDS)) {
      late += (Integer) r.getField("late_credits");
      if ((Long) r.getField("epoch") == settled) {
        BigDecimal wei = (BigDecimal) r.getField("cumulative_wei");
        if (wei.signum() > 0) {
          cumulative.put(((String) r.getField("account")).toLowerCase(Locale.ROOT), wei);
        }
      }
    }
    LOG.info("{} accounts paid, {} late credits", cumulative.size(), late);
    assertThat(normalized(cumulative))
        .as("each account's claimable total is what attribution paid it")
        .isEqualTo(normalized(paidPerAccount));
  }

  private static Map<String, BigInteger> normalized(Map<String, BigDecimal> amounts) {
    return amounts.entrySet().stream()
        .filter(e -> e.getValue().signum() > 0)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toBigIntegerExact()));
  }

  private static void checkIngest(
      StandaloneCluster cluster, LocalIcebergWarehouse warehouse, int accepted, int rejected)
      throws Exception {
    List<Record> contributions = PlatformIo.rows(warehouse, IngestTables.CONTRIBUTIONS);
    assertThat(contributions).hasSize(accepted);
    assertThat(contributions.stream().map(r -> r.getField("contribution_id")).distinct())
        .hasSize(accepted);
    assertThat(PlatformIo.rows(warehouse, IngestTables.REJECTIONS)).hasSize(rejected);
    assertThat(
            PlatformIo.consume(
                cluster.kafkaBootstrap(), "datanet.rejections", rejected, new HashMap<>()))
        .hasSize(rejected);
    List<Record> shards = PlatformIo.rows(warehouse, IngestTables.INDEX_SHARDS);
    assertThat(
            PlatformIo.consume(
                cluster.kafkaBootstrap(), "index.manifest", shards.size(), new HashMap<>()))
        .hasSize(shards.size());
    List<String> indexed = new ArrayList<>();
    try (ShardedIndex index =
        ShardedIndex.open(cluster.dir().resolve("data/index").resolve(datanet))) {
      assertThat(index.shards()).hasSize(shards.size());
      for (Shard shard : index.shards()) {
        shard.documents().stream().map(DocumentRecord::docId).forEach(indexed::add);
      }
    }
    assertThat(indexed)
        .as("every contribution in exactly one committed shard")
        .containsExactlyInAnyOrderElementsOf(
            contributions.stream().map(r -> (String) r.getField("contribution_id")).toList());
  }

  /**
   * Signed contributions with nonces from..to, with garbage and replayed nonces interleaved. Keyed
   * by contributor, as a client would, so that one contributor's nonces stay in order.
   */
  private static int contribute(
      KafkaProducer<byte[], byte[]> producer,
      Eip712Domain domain,
      List<Credentials> keys,
      int from,
      int to) {
    int rejected = 0;
    for (int n = from; n <= to; n++) {
      for (int c = 0; c < keys.size(); c++) {
        producer.send(
            new ProducerRecord<>(
                "datanet.submissions",
                contributor(keys.get(c)),
                signed(domain, keys.get(c), n, passage(c, n))));
      }
      producer.send(
          new ProducerRecord<>(
              "datanet.submissions", ("garbage " + n).getBytes(StandardCharsets.UTF_8)));
      rejected++;
      if (n > 1) { // a replayed nonce
        producer.send(
            new ProducerRecord<>(
                "datanet.submissions",
                contributor(keys.get(0)),
                signed(domain, keys.get(0), n - 1, passage(0, n - 1))));
        rejected++;
      }
    }
    producer.flush();
    return rejected;
  }

  /**
   * Signed inference events, one batch every 200 ms, whose outputs copy passages of the indexed
   * contributions (re-read as shards are committed), with every 25th batch sent twice. Event time
   * is wall-clock time, so settlement epochs keep closing while it runs.
   */
  private static final class InferenceTraffic implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, BigInteger> produced = new ConcurrentHashMap<>();
    private final AtomicInteger replays = new AtomicInteger();
    private final Thread thread;
    private volatile Exception failure;

    InferenceTraffic(String bootstrap, DemoChain chain, Path indexStore) {
      ECKeyPair key = chain.credentials(DemoChain.WORKER).getEcKeyPair();
      String worker = InferenceEventEnvelope.address(key);
      String consumer = chain.address(DemoChain.DEPLOYER);
      thread =
          new Thread(
              () -> {
                Random random = new Random(7);
                PlantedOutputs outputs = null;
                int documents = 0;
                long loadedAt = 0;
                byte[] replayable = null;
                try (KafkaProducer<byte[], byte[]> producer = PlatformIo.producer(bootstrap)) {
                  int n = 0;
                  while (running.get()) {
                    if (System.currentTimeMillis() - loadedAt > 3_000) {
                      loadedAt = System.currentTimeMillis();
                      List<IndexedDocument> docs = IndexDocuments.read(indexStore);
                      if (docs.size() > documents) {
                        documents = docs.size();
                        outputs = new PlantedOutputs(docs, random.nextLong(), 0.85, 12);
                      }
                    }
                    if (outputs == null) {
                      loadedAt = 0;
                      Thread.sleep(200);
                      continue;
                    }
                    n++;
                    InferenceEvent e =
                        InferenceEvents.of(
                            "cluster-" + n,
                            worker,
                            MODEL,
                            ADAPTER,
                            consumer,
                            PRICE_WEI,
                            outputs.next(60).text(),
                            Instant.now());
                    byte[] batch = InferenceEventEnvelope.sign(List.of(e), key);
                    byte[] k = worker.getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>("inference.events", k, batch)).get();
                    produced.put(e.eventId(), e.feeWei());
                    if (n % 25 == 0 && replayable != null) {
                      producer.send(new ProducerRecord<>("inference.events", k, replayable)).get();
                      replays.incrementAndGet();
                    }
                    if (n % 25 == 10) {
                      replayable = batch;
                    }
                    Thread.sleep(200);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Exception e) {
                  failure = e;
                  LOG.error("inference traffic stopped", e);
                }
              },
              "inference-traffic");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    /** Event id to fee of every event sent so far. */
    Map<String, BigInteger> produced() {
      return Map.copyOf(produced);
    }

    int replays() {
      return replays.get();
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      thread.join(10_000);
      if (failure != null) {
        throw new IllegalStateException("inference traffic failed", failure);
      }
    }
  }

  /** Distinct event ids in the attributions table. */
  private static Set<String> attributedEvents(LocalIcebergWarehouse warehouse) throws IOException {
    Set<String> events = new HashSet<>();
    if (warehouse.catalog().tableExists(AttributionTables.ATTRIBUTIONS)) {
      PlatformIo.rows(warehouse, AttributionTables.ATTRIBUTIONS)
          .forEach(r -> events.add((String) r.getField("event_id")));
    }
    return events;
  }

  /**
   * A TaskManager running tasks of every one of the jobs (the script names them taskmanager-N, as
   * their resource ids).
   */
  private static String taskManagerOfAll(StandaloneCluster cluster, Iterable<String> jobIds)
      throws Exception {
    Set<String> common = null;
    for (String jobId : jobIds) {
      Set<String> running = new TreeSet<>();
      for (JsonNode vertex : cluster.get("/jobs/" + jobId).path("vertices")) {
        String path =
            "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers";
        for (JsonNode tm : cluster.get(path).path("taskmanagers")) {
          String id = tm.path("taskmanager-id").asText();
          if (id.startsWith("taskmanager-")) {
            running.add(id);
          }
        }
      }
      if (common == null) {
        common = running;
      } else {
        common.retainAll(running);
      }
    }
    assertThat(common).as("a TaskManager running tasks of every job").isNotEmpty();
    return common.iterator().next();
  }

  /** Waits until the JobManager noticed the lost TaskManager and failed the job over. */
  private static void awaitFailover(StandaloneCluster cluster, String jobId) throws Exception {
    await(
        "job " + jobId + " failed over",
        Duration.ofSeconds(60),
        () ->
            !cluster
                .get("/jobs/" + jobId + "/exceptions")
                .path("exceptionHistory")
                .path("entries")
                .isEmpty());
  }

  private static void awaitRunning(StandaloneCluster cluster, String jobId) throws Exception {
    await(
        "job " + jobId + " running",
        Duration.ofSeconds(90),
        () -> {
          JsonNode job = cluster.get("/jobs/" + jobId);
          boolean allRunning = job.path("vertices").size() > 0;
          for (JsonNode vertex : job.path("vertices")) {
            allRunning &= vertex.path("status").asText().equals("RUNNING");
          }
          return job.path("state").asText().equals("RUNNING") && allRunning;
        });
  }

  /** Waits until the consumer group committed offsets at or past {@code ends}. */
  private static void awaitConsumed(String bootstrap, String group, Map<TopicPartition, Long> ends)
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      await(
          group + " past " + ends,
          Duration.ofSeconds(60),
          () -> {
            Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
              OffsetAndMetadata c = committed.get(e.getKey());
              if (c == null || c.offset() < e.getValue()) {
                return false;
              }
            }
            return true;
          });
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(String what, Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + what);
      }
      Thread.sleep(500);
    }
  }

  private static byte[] contributor(Credentials who) {
    return who.getAddress().getBytes(StandardCharsets.UTF_8);
  }

  private static Credentials key(long seed) {
    return Credentials.create(
        ECKeyPair.create(BigInteger.valueOf(seed).shiftLeft(64).add(BigInteger.valueOf(seed))));
  }

  /** About 30 words, drawn at random for each contributor and nonce: no two share a phrase. */
  private static String passage(int contributor, int nonce) {
    Random random = new Random(contributor * 1_000L + nonce);
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < 30; w++) {
      text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.append('.').toString();
  }

  private static byte[] signed(Eip712Domain domain, Credentials who, long nonce, String content) {
    return SubmissionWriter.toJson(
        SubmissionSigner.sign(
            domain,
            who,
            Numeric.hexStringToByteArray(datanet),
            BigInteger.valueOf(nonce),
            1_800_000_000L + nonce,
            content,
            Optional.of("CC-BY-4.0")));
  }
}
