package io.payable.jobs.ingest;

import static io.payable.jobs.ingest.SubmissionFixtures.CHAIN_ID;
import static io.payable.jobs.ingest.SubmissionFixtures.CLOSED;
import static io.payable.jobs.ingest.SubmissionFixtures.OPEN;
import static io.payable.jobs.ingest.SubmissionFixtures.REGISTRY;
import static io.payable.jobs.ingest.SubmissionFixtures.UNKNOWN;
import static io.payable.jobs.ingest.SubmissionFixtures.key;
import static io.payable.jobs.ingest.SubmissionFixtures.passage;
import static io.payable.jobs.ingest.SubmissionFixtures.signed;
import static io.payable.jobs.ingest.SubmissionFixtures.signedBy;
import static io.payable.jobs.ingest.SubmissionFixtures.withField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.index.query.ShardedIndex;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.submission.RejectionReason;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * A mixed stream of valid submissions and every kind of invalid one goes through the ingest job on
 * a MiniCluster with the in-process broker and a local warehouse: each lands in exactly one place,
 * with the right reason, and received = accepted + rejected.
 */
class IngestJobITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 4096;

  private static final List<Credentials> CONTRIBUTORS = List.of(key(1001), key(1002), key(1003));

  @Test
  void everySubmissionIsAcceptedOrRejectedWithItsReason(@TempDir java.nio.file.Path store)
      throws Exception {
    KAFKA.createTopics(1, "datanet.submissions");
    KAFKA.createTopics(2, "datanet.rejections", "index.manifest");

    List<byte[]> records = new ArrayList<>();
    Map<RejectionReason, Integer> expectedRejections = new HashMap<>();
    int expectedAccepted = 0;
    for (int c = 0; c < CONTRIBUTORS.size(); c++) {
      for (int n = 1; n <= 5; n++) {
        records.add(signed(CONTRIBUTORS.get(c), OPEN, n, passage(c, n)));
        expectedAccepted++;
      }
    }
    // The same signed record again: its nonce is used up.
    records.add(signed(CONTRIBUTORS.get(0), OPEN, 3, passage(0, 3)));
    expect(expectedRejections, RejectionReason.REPLAYED_NONCE);
    // Another contributor sends content that is already in the Datanet.
    records.add(signed(CONTRIBUTORS.get(1), OPEN, 6, passage(2, 1)));
    expect(expectedRejections, RejectionReason.DUPLICATE_CONTENT);
    records.add(signed(CONTRIBUTORS.get(2), OPEN, 7, "Too short."));
    expect(expectedRejections, RejectionReason.TOO_SHORT);
    records.add(signed(CONTRIBUTORS.get(0), CLOSED, 10, passage(0, 10)));
    expect(expectedRejections, RejectionReason.CLOSED_DATANET);
    records.add(signed(CONTRIBUTORS.get(0), UNKNOWN, 11, passage(0, 11)));
    expect(expectedRejections, RejectionReason.UNKNOWN_DATANET);
    records.add(signedBy(CONTRIBUTORS.get(1), CONTRIBUTORS.get(0), OPEN, 12, passage(0, 12)));
    expect(expectedRejections, RejectionReason.SIGNER_MISMATCH);
    records.add(withSignature(signed(CONTRIBUTORS.get(0), OPEN, 13, passage(0, 13)), badV()));
    expect(expectedRejections, RejectionReason.BAD_SIGNATURE);
    records.add(("{\"version\":1,\"content\":\"x\"" + " ".repeat(MAX_BYTES) + "}").getBytes());
    expect(expectedRejections, RejectionReason.TOO_LARGE);
    records.add(new byte[] {'{', (byte) 0xFF, '}'});
    expect(expectedRejections, RejectionReason.INVALID_UTF8);
    records.add("not json at all".getBytes(StandardCharsets.UTF_8));
    expect(expectedRejections, RejectionReason.NOT_JSON);
    records.add("{\"version\":9}".getBytes(StandardCharsets.UTF_8));
    expect(expectedRejections, RejectionReason.UNSUPPORTED_VERSION);
    records.add(null); // a Kafka tombstone: no value at all
    expect(expectedRejections, RejectionReason.MISSING_FIELD);
    records.add(withField(signed(CONTRIBUTORS.get(0), OPEN, 14, passage(0, 14)), "nonce", "-5"));
    expect(expectedRejections, RejectionReason.MALFORMED_FIELD);
    PlatformIo.produce(KAFKA.kafka(), "datanet.submissions", records);

    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.MAX_SUBMISSION_BYTES, MAX_BYTES);
    config.set(IngestOptions.DATANET_REGISTRY, REGISTRY);
    config.set(IngestOptions.CHAIN_ID, CHAIN_ID);
    config.set(IngestOptions.DATANETS, Map.of(OPEN, "OPEN", CLOSED, "CLOSED"));
    config.set(IngestOptions.STOP_AT_LATEST, true);
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    config.set(IngestOptions.INDEX_STORE, store.toUri().toString());
    // Small shards, so that the 15 accepted contributions seal several of them.
    config.set(IngestOptions.SHARD_MAX_SYMBOLS, 80L);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    IngestJob.build(env, config);
    env.execute("ingest-it");

    List<Record> contributions = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS);
    List<Record> rejectionRows = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.REJECTIONS);
    List<JsonNode> rejectionEvents =
        PlatformIo.consume(
            KAFKA.kafka(),
            "datanet.rejections",
            expectedRejections.values().stream().mapToInt(i -> i).sum());
    List<Record> shardRows = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.INDEX_SHARDS);

    assertThat(contributions).hasSize(expectedAccepted);
    assertThat(contributions.stream().map(r -> r.getField("contribution_id")).distinct())
        .hasSize(expectedAccepted);
    assertThat(contributions)
        .allSatisfy(r -> assertThat((int) r.getField("token_count")).isGreaterThanOrEqualTo(8));
    Map<String, Long> expectedByCode =
        expectedRejections.entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().code(), e -> (long) e.getValue()));
    assertThat(countBy(rejectionRows.stream().map(r -> (String) r.getField("reason")).toList()))
        .isEqualTo(expectedByCode);
    assertThat(countBy(rejectionEvents.stream().map(j -> j.get("reason").asText()).toList()))
        .isEqualTo(expectedByCode);
    // Counts reconcile: every record produced is accepted or rejected, none twice.
    assertThat(contributions.size() + rejectionRows.size()).isEqualTo(records.size());
    // Every accepted contribution is in exactly one sealed, committed, searchable shard.
    assertThat(shardRows).hasSizeGreaterThan(1);
    assertThat(shardRows.stream().mapToInt(r -> (int) r.getField("documents")).sum())
        .isEqualTo(expectedAccepted);
    Set<Object> shardIds =
        shardRows.stream().map(r -> r.getField("shard_id")).collect(Collectors.toSet());
    assertThat(shardIds).hasSize(shardRows.size());
    assertThat(contributions)
        .allSatisfy(r -> assertThat(shardIds).contains(r.getField("shard_id")));
    List<JsonNode> manifest = PlatformIo.consume(KAFKA.kafka(), "index.manifest", shardRows.size());
    assertThat(manifest.stream().map(m -> (Object) m.get("shard_id").asText()).toList())
        .containsExactlyInAnyOrderElementsOf(shardIds);
    java.nio.file.Path datanetIndex = store.resolve(OPEN);
    try (ShardedIndex index = ShardedIndex.open(datanetIndex)) {
      assertThat(index.shards()).hasSize(shardRows.size());
      assertThat(index.count(passage(1, 4))).isEqualTo(1);
      assertThat(index.count(" about whales, ships and the long patience of the sea."))
          .isEqualTo(expectedAccepted);
    }
    try (var leftovers = java.nio.file.Files.list(datanetIndex.resolve(".staging"))) {
      assertThat(leftovers).as("no staged shard left uncommitted").isEmpty();
    }
    // Rejections carry the raw record and its digest, for audit and replay.
    assertThat(rejectionRows)
        .allSatisfy(
            r -> {
              byte[] raw = toBytes(r.getField("raw"));
              assertThat(r.getField("size")).isEqualTo(raw.length);
              assertThat(r.getField("sha256")).isEqualTo(sha256(raw));
            });

    // A second run finds the sealed shards: a near copy of an indexed passage is redundant data,
    // new text is accepted. It reads a topic of its own: a bounded run may end before the source
    // commits its last offsets (commits follow checkpoints asynchronously), so resuming from the
    // group's offsets could read part of the first run's input again.
    KAFKA.createTopics(1, "datanet.submissions.again");
    PlatformIo.produce(
        KAFKA.kafka(),
        "datanet.submissions.again",
        List.of(
            signed(CONTRIBUTORS.get(2), OPEN, 50, passage(1, 4) + " Indeed."),
            signed(
                CONTRIBUTORS.get(2),
                OPEN,
                51,
                "It is a truth universally acknowledged, that a single man in possession of a good"
                    + " fortune, must be in want of a wife.")));
    config.set(IngestOptions.SUBMISSIONS_TOPIC, "datanet.submissions.again");
    StreamExecutionEnvironment again = StreamExecutionEnvironment.getExecutionEnvironment();
    again.setParallelism(2);
    IngestJob.build(again, config);
    again.execute("ingest-it-again");
    assertThat(PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS))
        .hasSize(expectedAccepted + 1);
    assertThat(
            PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.REJECTIONS).stream()
                .filter(r -> r.getField("reason").equals("near_duplicate")))
        .singleElement()
        .satisfies(
            r -> assertThat((String) r.getField("detail")).contains("already in the Datanet"));
  }

  private static void expect(Map<RejectionReason, Integer> expected, RejectionReason reason) {
    expected.merge(reason, 1, Integer::sum);
  }

  private static Map<String, Long> countBy(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
  }

  private static byte[] withSignature(byte[] record, String signature) {
    return withField(record, "signature", signature);
  }

  /** A well-formed 65-byte signature whose recovery id is invalid. */
  private static String badV() {
    return "0x" + "11".repeat(64) + "63";
  }

  private static byte[] toBytes(Object binary) {
    java.nio.ByteBuffer buffer = ((java.nio.ByteBuffer) binary).duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
