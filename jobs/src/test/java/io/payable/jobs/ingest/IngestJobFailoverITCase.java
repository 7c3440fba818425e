package io.payable.jobs.ingest;

import static io.payable.jobs.ingest.SubmissionFixtures.CHAIN_ID;
import static io.payable.jobs.ingest.SubmissionFixtures.OPEN;
import static io.payable.jobs.ingest.SubmissionFixtures.REGISTRY;
import static io.payable.jobs.ingest.SubmissionFixtures.key;
import static io.payable.jobs.ingest.SubmissionFixtures.passage;
import static io.payable.jobs.ingest.SubmissionFixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.Shard;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.testing.FlinkFailoverTestBase;
import io.payable.jobs.testing.PlatformIo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * Exactly once across a failure: the task manager running the ingest job is killed mid-stream, the
 * job restarts from its last checkpoint on a new one, and in the end every contribution is in the
 * table, the shards and the rejections exactly once.
 */
class IngestJobFailoverITCase extends FlinkFailoverTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final int CONTRIBUTORS = 4;
  private static final int PER_CONTRIBUTOR = 20;

  @Test
  void aTaskManagerKilledMidStreamLosesAndDuplicatesNothing(
      @InjectMiniCluster MiniCluster cluster, @TempDir Path store, @TempDir Path savepoints)
      throws Exception {
    KAFKA.createTopics(1, "datanet.submissions");
    KAFKA.createTopics(2, "datanet.rejections", "index.manifest");

    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.DATANET_REGISTRY, REGISTRY);
    config.set(IngestOptions.CHAIN_ID, CHAIN_ID);
    config.set(IngestOptions.DATANETS, Map.of(OPEN, "OPEN"));
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(IngestOptions.INDEX_STORE, store.toUri().toString());
    config.set(IngestOptions.SHARD_MAX_SYMBOLS, 150L);
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    IngestJob.build(env, config);
    JobClient job = env.executeAsync("ingest-failover");

    List<Credentials> keys = new ArrayList<>();
    for (int c = 0; c < CONTRIBUTORS; c++) {
      keys.add(key(2000 + c));
    }
    int accepted = CONTRIBUTORS * PER_CONTRIBUTOR;
    int rejected = 0;
    try (KafkaProducer<byte[], byte[]> producer = PlatformIo.producer(KAFKA.kafka())) {
      for (int n = 1; n <= PER_CONTRIBUTOR; n++) {
        for (int c = 0; c < CONTRIBUTORS; c++) {
          producer.send(
              new ProducerRecord<>(
                  "datanet.submissions", signed(keys.get(c), OPEN, n, passage(c, n))));
        }
        // Garbage and replays are interleaved, so rejections cross the failure too.
        producer.send(
            new ProducerRecord<>(
                "datanet.submissions", ("garbage " + n).getBytes(StandardCharsets.UTF_8)));
        rejected++;
        if (n > 1) {
          producer.send(
              new ProducerRecord<>(
                  "datanet.submissions", signed(keys.get(0), OPEN, n - 1, passage(0, n - 1))));
          rejected++;
        }
        producer.flush();
        if (n == PER_CONTRIBUTOR / 2) {
          PlatformIo.awaitRows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS, 1);
          cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
          cluster.startTaskManager();
        }
        Thread.sleep(100);
      }
    }

    PlatformIo.awaitRows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS, accepted);
    PlatformIo.awaitRows(WAREHOUSE.warehouse(), IngestTables.REJECTIONS, rejected);
    // Drain: the final watermark seals the open shards, then the job stops.
    job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(60, TimeUnit.SECONDS);

    assertThat(cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo())
        .as("the job really failed and recovered")
        .isNotNull();

    List<Record> contributions = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS);
    assertThat(contributions).hasSize(accepted);
    assertThat(contributions.stream().map(r -> r.getField("contribution_id")).distinct())
        .hasSize(accepted);
    assertThat(PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.REJECTIONS)).hasSize(rejected);
    List<JsonNode> rejectionEvents =
        PlatformIo.consume(KAFKA.kafka(), "datanet.rejections", rejected);
    assertThat(rejectionEvents).hasSize(rejected);

    List<Record> shards = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.INDEX_SHARDS);
    assertThat(PlatformIo.consume(KAFKA.kafka(), "index.manifest", shards.size()))
        .hasSize(shards.size());
    List<String> indexed = new ArrayList<>();
    try (ShardedIndex index = ShardedIndex.open(store.resolve(OPEN))) {
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
