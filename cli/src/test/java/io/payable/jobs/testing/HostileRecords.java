package io.payable.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.ingest.sink.RejectionJson;
import io.payable.loadgen.HostileInputs;
import io.payable.loadgen.HostileInputs.Hostile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;

/**
 * Records a hostile producer can put on any topic of the platform, for the hostile-input tests of
 * every job: null and empty values, random bytes of many lengths up to the topic's limit, deeply
 * nested and very wide JSON (with hash-colliding keys), and strings that grow when decoded. Each
 * record is produced with a null key and headers of some kind.
 */
public final class HostileRecords {

  /** The input topics' {@code max.message.bytes} in these tests, as in deploy/k8s/topics.yaml. */
  public static final int TOPIC_MAX_BYTES = 1_100_000;

  /** The largest value that fits one record batch under {@link #TOPIC_MAX_BYTES}. */
  public static final int MAX_VALUE_BYTES = TOPIC_MAX_BYTES - 128;

  private HostileRecords() {}

  /** Those of {@link HostileInputs#generic} of at most {@code maxBytes}. */
  public static List<Hostile> generic(long seed, int maxBytes) {
    return HostileInputs.generic(seed, maxBytes);
  }

  /** The records every job's input topic must survive, up to {@link #MAX_VALUE_BYTES}. */
  public static List<Hostile> generic(long seed) {
    return HostileInputs.generic(seed, MAX_VALUE_BYTES);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Creates {@code topic} (one partition) with {@link #TOPIC_MAX_BYTES} as its record limit. */
  public static void createInputTopic(EmbeddedKafka kafka, String topic) {
    kafka.createTopics(
        List.of(
            new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("max.message.bytes", String.valueOf(TOPIC_MAX_BYTES)))));
  }

  /**
   * Produces {@code values} in order to partition 0 of {@code topic}, with null keys and assorted
   * headers; returns each value's offset.
   */
  public static List<Long> produce(EmbeddedKafka kafka, String topic, List<byte[]> values)
      throws InterruptedException, ExecutionException {
    return HostileInputs.produce(kafka.bootstrapServers(), topic, values);
  }

  /** Asserts that the job ran to its end without a single failover. */
  public static void assertNoRestart(MiniCluster cluster, JobID job) throws Exception {
    AccessExecutionGraph graph = cluster.getArchivedExecutionGraph(job).get();
    assertThat(graph.getState()).isEqualTo(JobStatus.FINISHED);
    assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING))
        .as("the job never restarted")
        .isZero();
    assertThat(graph.getFailureInfo()).as("no failure recorded").isNull();
  }

  /**
   * Asserts received = accepted + rejected by source offset: every offset of {@code rejected} in
   * {@code sourceTopic} is in the rejections table exactly once and on the rejections topic exactly
   * once, with the SHA-256 and size of the value produced there; no other offset of that topic is;
   * and the topic's copies stay within the encoder's bound, carrying an exact prefix of the raw
   * bytes.
   *
   * @param valueAt the value produced at each rejected offset
   */
  public static void assertRejectedOnce(
      LocalIcebergWarehouse warehouse,
      TableIdentifier table,
      EmbeddedKafka kafka,
      String rejectionsTopic,
      String sourceTopic,
      Map<Long, byte[]> valueAt)
      throws Exception {
    PlatformIo.awaitRows(warehouse, table, valueAt.size());
    List<Record> rows =
        PlatformIo.rows(warehouse, table).stream()
            .filter(r -> sourceTopic.equals(r.getField("source_topic")))
            .toList();
    Map<Long, List<Record>> rowsByOffset =
        rows.stream().collect(Collectors.groupingBy(r -> (Long) r.getField("source_offset")));
    assertThat(rowsByOffset.keySet()).isEqualTo(valueAt.keySet());
    rowsByOffset.forEach(
        (offset, at) -> {
          assertThat(at).as("rows at offset %d", offset).hasSize(1);
          byte[] expected = orEmpty(valueAt.get(offset));
          Record row = at.get(0);
          assertThat(row.getField("sha256")).isEqualTo(sha256(expected));
          assertThat(row.getField("size")).isEqualTo(expected.length);
          assertThat(toBytes(row.getField("raw"))).isEqualTo(expected);
        });

    Map<TopicPartition, Long> next = new LinkedHashMap<>();
    List<JsonNode> events =
        PlatformIo.consume(kafka.bootstrapServers(), rejectionsTopic, valueAt.size(), next);
    Map<Long, List<JsonNode>> eventsByOffset =
        events.stream()
            .filter(e -> sourceTopic.equals(e.get("topic").asText()))
            .collect(Collectors.groupingBy(e -> e.get("offset").asLong()));
    assertThat(eventsByOffset.keySet()).isEqualTo(valueAt.keySet());
    int bound = RejectionJson.maxEncodedBytes(RejectionJson.DEFAULT_RAW_PREFIX_BYTES);
    eventsByOffset.forEach(
        (offset, at) -> {
          assertThat(at).as("rejections at offset %d", offset).hasSize(1);
          JsonNode e = at.get(0);
          byte[] expected = orEmpty(valueAt.get(offset));
          assertThat(e.get("version").asInt()).isEqualTo(RejectionJson.VERSION);
          assertThat(e.get("sha256").asText()).isEqualTo(sha256(expected));
          assertThat(e.get("size").asInt()).isEqualTo(expected.length);
          assertThat(utf8(e.toString()).length).isLessThanOrEqualTo(bound);
          byte[] prefix = Base64.getDecoder().decode(e.get("raw_base64").asText());
          assertThat(prefix)
              .isEqualTo(
                  Arrays.copyOf(
                      expected, Math.min(expected.length, RejectionJson.DEFAULT_RAW_PREFIX_BYTES)));
          assertThat(e.get("raw_truncated").asBoolean())
              .isEqualTo(expected.length > RejectionJson.DEFAULT_RAW_PREFIX_BYTES);
        });
  }

  /**
   * Asserts that each record of {@code valueAt} (produced to partition 0) has exactly one row in
   * {@code table}, with its SHA-256; the table may hold other rows too.
   */
  public static void assertEachInTableOnce(
      LocalIcebergWarehouse warehouse,
      TableIdentifier table,
      String sourceTopic,
      Map<Long, byte[]> valueAt)
      throws Exception {
    Map<Long, List<Record>> rows =
        PlatformIo.rows(warehouse, table).stream()
            .filter(r -> sourceTopic.equals(r.getField("source_topic")))
            .filter(r -> (Integer) r.getField("source_partition") == 0)
            .collect(Collectors.groupingBy(r -> (Long) r.getField("source_offset")));
    valueAt.forEach(
        (offset, value) -> {
          assertThat(rows.get(offset))
              .as("rejections of %s at offset %d", table, offset)
              .hasSize(1);
          assertThat(rows.get(offset).get(0).getField("sha256")).isEqualTo(sha256(orEmpty(value)));
        });
  }

  /** Offset to value, for the records of {@code values} at {@code offsets} that {@code keep}. */
  public static Map<Long, byte[]> byOffset(
      List<Long> offsets, List<byte[]> values, Function<Integer, Boolean> keep) {
    Map<Long, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i++) {
      if (keep.apply(i)) {
        out.put(offsets.get(i), values.get(i));
      }
    }
    return out;
  }

  private static byte[] orEmpty(byte[] value) {
    return value == null ? new byte[0] : value;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] toBytes(Object binary) {
    ByteBuffer buffer = ((ByteBuffer) binary).duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
