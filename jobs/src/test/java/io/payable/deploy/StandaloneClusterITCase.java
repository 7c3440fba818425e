package io.payable.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.Shard;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import io.payable.jobs.testing.PlatformIo;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.utils.Numeric;

/**
 * The shaded job jar on a standalone Flink cluster of separate processes, started, fed and stopped
 * by deploy/local/payable-cluster.sh: a JobManager, two TaskManagers and a Kafka broker, each its
 * own JVM. Mid-stream, after a checkpoint, one TaskManager process is killed (SIGKILL); the jobs
 * restart from the last checkpoint on the remaining slots, and in the end every contribution,
 * rejection and shard is there exactly once, as in an undisturbed run.
 */
class StandaloneClusterITCase {

  private static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  private static final long CHAIN_ID = 31337;
  private static final String DATANET = "0x" + "aa".repeat(32);
  private static final Eip712Domain DOMAIN = Eip712Domain.payableDatanets(CHAIN_ID, REGISTRY);
  private static final int CONTRIBUTORS = 4;
  private static final int PER_CONTRIBUTOR = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Under target/, so the processes' logs outlive a failed run. */
  private static final Path CLUSTER_DIR = Path.of("target/standalone-cluster-it");

  /**
   * The jobs of deploy/local/jobs this test runs through the failure; a job joins once the test
   * feeds it and checks its outputs.
   */
  private static final List<String> JOBS_UNDER_TEST = List.of("ingest");

  @Test
  void aKilledTaskManagerProcessLosesAndDuplicatesNothing() throws Exception {
    Map<String, String> env =
        Map.of(
            "PAYABLE_TASKMANAGERS", "2",
            "PAYABLE_TASK_SLOTS", "4",
            "PAYABLE_CHECKPOINT_INTERVAL", "1s",
            "PAYABLE_SHARD_MAX_SYMBOLS", "150",
            "PAYABLE_CHAIN_ID", String.valueOf(CHAIN_ID),
            "PAYABLE_DATANET_REGISTRY", REGISTRY,
            "PAYABLE_DATANETS", DATANET + ":OPEN");
    try (StandaloneCluster cluster = new StandaloneCluster(CLUSTER_DIR.toAbsolutePath(), env)) {
      cluster.script("start");
      for (String job : JOBS_UNDER_TEST) {
        cluster.script("submit", job);
      }
      String ingest = cluster.jobId("ingest");
      awaitRunning(cluster, ingest);

      LocalIcebergWarehouse warehouse =
          LocalIcebergWarehouse.open(cluster.dir().resolve("data/warehouse"));
      List<Credentials> keys = new ArrayList<>();
      for (int c = 0; c < CONTRIBUTORS; c++) {
        keys.add(key(3000 + c));
      }
      int accepted = CONTRIBUTORS * PER_CONTRIBUTOR;
      int rejected = 0;
      try (KafkaProducer<byte[], byte[]> producer = producer(cluster.kafkaBootstrap())) {
        for (int n = 1; n <= PER_CONTRIBUTOR; n++) {
          for (int c = 0; c < CONTRIBUTORS; c++) {
            producer.send(
                new ProducerRecord<>("datanet.submissions", signed(keys.get(c), n, passage(c, n))));
          }
          producer.send(
              new ProducerRecord<>(
                  "datanet.submissions", ("garbage " + n).getBytes(StandardCharsets.UTF_8)));
          rejected++;
          if (n > 1) { // a replayed nonce
            producer.send(
                new ProducerRecord<>(
                    "datanet.submissions", signed(keys.get(0), n - 1, passage(0, n - 1))));
            rejected++;
          }
          producer.flush();
          if (n == PER_CONTRIBUTOR / 2) {
            PlatformIo.awaitRows(warehouse, IngestTables.CONTRIBUTIONS, 1);
            assertThat(cluster.completedCheckpoints(ingest)).isPositive();
            assertThat(
                    ProcessHandle.of(cluster.pid(busyTaskManager(cluster, ingest)))
                        .orElseThrow()
                        .destroyForcibly())
                .isTrue();
            awaitFailover(cluster, ingest); // the rest of the input goes to the recovered job
            awaitRunning(cluster, ingest);
          }
          Thread.sleep(150);
        }
      }

      PlatformIo.awaitRows(warehouse, IngestTables.CONTRIBUTIONS, accepted);
      PlatformIo.awaitRows(warehouse, IngestTables.REJECTIONS, rejected);
      cluster.stopWithDrain(ingest);

      List<Record> contributions = PlatformIo.rows(warehouse, IngestTables.CONTRIBUTIONS);
      assertThat(contributions).hasSize(accepted);
      assertThat(contributions.stream().map(r -> r.getField("contribution_id")).distinct())
          .hasSize(accepted);
      assertThat(PlatformIo.rows(warehouse, IngestTables.REJECTIONS)).hasSize(rejected);
      assertThat(consume(cluster.kafkaBootstrap(), "datanet.rejections", rejected))
          .hasSize(rejected);
      List<Record> shards = PlatformIo.rows(warehouse, IngestTables.INDEX_SHARDS);
      assertThat(consume(cluster.kafkaBootstrap(), "index.manifest", shards.size()))
          .hasSize(shards.size());
      List<String> indexed = new ArrayList<>();
      try (ShardedIndex index =
          ShardedIndex.open(cluster.dir().resolve("data/index").resolve(DATANET))) {
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
  }

  /**
   * A TaskManager running tasks of the job (the script names them taskmanager-N, as their resource
   * ids).
   */
  private static String busyTaskManager(StandaloneCluster cluster, String jobId) throws Exception {
    for (JsonNode vertex : cluster.get("/jobs/" + jobId).path("vertices")) {
      String path = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers";
      for (JsonNode tm : cluster.get(path).path("taskmanagers")) {
        String id = tm.path("taskmanager-id").asText();
        if (id.startsWith("taskmanager-")) {
          return id;
        }
      }
    }
    throw new AssertionError("no TaskManager runs tasks of " + jobId);
  }

  /** Waits until the JobManager noticed the lost TaskManager and failed the job over. */
  private static void awaitFailover(StandaloneCluster cluster, String jobId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode history =
          cluster.get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
      if (!history.isEmpty()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + jobId + " did not fail over within 60 s");
  }

  private static void awaitRunning(StandaloneCluster cluster, String jobId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = cluster.get("/jobs/" + jobId);
      boolean allRunning = job.path("vertices").size() > 0;
      for (JsonNode vertex : job.path("vertices")) {
        allRunning &= vertex.path("status").asText().equals("RUNNING");
      }
      if (job.path("state").asText().equals("RUNNING") && allRunning) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("job " + jobId + " is not running after 90 s");
  }

  private static Credentials key(long seed) {
    return Credentials.create(
        ECKeyPair.create(BigInteger.valueOf(seed).shiftLeft(64).add(BigInteger.valueOf(seed))));
  }

  private static String passage(int contributor, int nonce) {
    return "Contributor "
        + contributor
        + " writes cluster passage number "
        + nonce
        + " about rivers, harbours and the slow arithmetic of tides.";
  }

  private static byte[] signed(Credentials who, long nonce, String content) {
    return SubmissionWriter.toJson(
        SubmissionSigner.sign(
            DOMAIN,
            who,
            Numeric.hexStringToByteArray(DATANET),
            BigInteger.valueOf(nonce),
            1_800_000_000L + nonce,
            content,
            Optional.of("CC-BY-4.0")));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** Committed records of a topic, read until {@code expected} arrived and a little longer. */
  private static List<JsonNode> consume(String bootstrap, String topic, int expected)
      throws IOException {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic + "-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int quiet = 0;
      while (System.nanoTime() < deadline && quiet < 3) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(300));
        for (var r : polled) {
          out.add(JSON.readTree(r.value()));
        }
        quiet = out.size() >= expected && polled.isEmpty() ? quiet + 1 : 0;
      }
    }
    return out;
  }
}
