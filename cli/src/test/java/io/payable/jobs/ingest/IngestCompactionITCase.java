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
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * Small shards (sealed by age while contributions trickle in) are compacted: every three are merged
 * into one that supersedes them; the superseded directories go away, the manifest announces the
 * replacement, every contribution stays searchable exactly once, and inclusion proofs follow the
 * contribution into the compacted shard.
 */
class IngestCompactionITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final int SUBMISSIONS = 30;

  @Test
  void smallShardsAreMergedAndSupersededOnes(@TempDir Path store, @TempDir Path savepoints)
      throws Exception {
    KAFKA.createTopics(1, "datanet.submissions");
    KAFKA.createTopics(2, "datanet.rejections", "index.manifest");
    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.DATANET_REGISTRY, REGISTRY);
    config.set(IngestOptions.CHAIN_ID, CHAIN_ID);
    config.set(IngestOptions.DATANETS, Map.of(OPEN, "OPEN"));
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(200));
    config.set(IngestOptions.INDEX_STORE, store.toUri().toString());
    config.set(IngestOptions.SHARD_MAX_AGE, Duration.ofMillis(300));
    config.set(IngestOptions.COMPACTION_FAN_IN, 3);
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    IngestJob.build(env, config);
    JobClient job = env.executeAsync("ingest-compaction");

    Credentials contributor = key(4001);
    try (KafkaProducer<byte[], byte[]> producer = PlatformIo.producer(KAFKA.kafka())) {
      for (int n = 1; n <= SUBMISSIONS; n++) {
        producer.send(
            new ProducerRecord<>(
                "datanet.submissions", signed(contributor, OPEN, n, passage(9, n))));
        producer.flush();
        Thread.sleep(150);
      }
    }
    PlatformIo.awaitRows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS, SUBMISSIONS);
    job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(60, TimeUnit.SECONDS);

    List<Record> shards = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.INDEX_SHARDS);
    List<Record> compacted =
        shards.stream().filter(r -> !((List<?>) r.getField("supersedes")).isEmpty()).toList();
    assertThat(compacted).as("compacted shards").isNotEmpty();
    assertThat(compacted)
        .allSatisfy(r -> assertThat((List<?>) r.getField("supersedes")).hasSize(3));
    for (Record c : compacted) {
      for (Object superseded : (List<?>) c.getField("supersedes")) {
        Record old =
            shards.stream()
                .filter(r -> r.getField("shard_id").equals(superseded))
                .findFirst()
                .get();
        assertThat(Path.of(java.net.URI.create((String) old.getField("path"))))
            .as("superseded shard directory removed")
            .doesNotExist();
      }
    }
    List<JsonNode> manifest = PlatformIo.consume(KAFKA.kafka(), "index.manifest", shards.size());
    assertThat(manifest.stream().filter(e -> e.get("type").asText().equals("compacted")))
        .hasSize(compacted.size());

    List<Record> contributions = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS);
    List<String> indexed = new ArrayList<>();
    try (ShardedIndex index = ShardedIndex.open(store.resolve(OPEN))) {
      for (Shard shard : index.shards()) {
        shard.documents().stream().map(DocumentRecord::docId).forEach(indexed::add);
      }
      assertThat(index.count(passage(9, 2))).isEqualTo(1);
    }
    assertThat(indexed)
        .as("every contribution searchable exactly once")
        .containsExactlyInAnyOrderElementsOf(
            contributions.stream().map(r -> (String) r.getField("contribution_id")).toList());

    // A contribution whose first shard was superseded is proven against the compacted one.
    String supersededShard = (String) ((List<?>) compacted.get(0).getField("supersedes")).get(0);
    String moved =
        contributions.stream()
            .filter(r -> r.getField("shard_id").equals(supersededShard))
            .map(r -> (String) r.getField("contribution_id"))
            .findFirst()
            .orElseThrow();
    Cli proof = Cli.run("datanet", "proof", moved, "--warehouse", WAREHOUSE.warehouse().location());
    assertThat(proof.exit()).as(proof.err()).isZero();
    assertThat(proof.out())
        .contains("shard        " + compacted.get(0).getField("shard_id"))
        .contains("root         " + compacted.get(0).getField("merkle_root"));
    assertThat(Files.list(store.resolve(OPEN).resolve(".staging"))).isEmpty();
  }
}
