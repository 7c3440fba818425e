package io.payable.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.ingest.sink.RejectionJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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

  /** A named record value ({@code null}: a record without a value). */
  public record Hostile(String name, byte[] value) {
    @Override
    public String toString() {
      return name + " (" + (value == null ? "null" : value.length + " bytes") + ")";
    }
  }

  /** The records every job's input topic must survive. */
  public static List<Hostile> generic(long seed) {
    Random random = new Random(seed);
    List<Hostile> out = new ArrayList<>();
    out.add(new Hostile("null value", null));
    out.add(new Hostile("empty value", new byte[0]));
    for (int length :
        new int[] {
          1,
          2,
          3,
          5,
          17,
          255,
          4096,
          65_535,
          65_536,
          65_537,
          300_000,
          1_048_575,
          1_048_576,
          1_048_577,
          MAX_VALUE_BYTES
        }) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      out.add(new Hostile("random " + length, bytes));
    }
    out.add(new Hostile("deep arrays", utf8("[".repeat(50_000) + "]".repeat(50_000))));
    out.add(new Hostile("deep objects", utf8("{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000))));
    StringBuilder wide = new StringBuilder("{");
    for (int i = 0; i < 60_000; i++) {
      wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    out.add(new Hostile("wide object", utf8(wide.append('}').toString())));
    out.add(new Hostile("colliding keys", utf8(collidingKeys(14))));
    out.add(
        new Hostile(
            "escapes that decode",
            utf8("{\"version\":1,\"content\":\"" + "\\u00e9".repeat(170_000) + "\"}")));
    out.add(new Hostile("lone surrogate key", utf8("{\"\\ud800\":[1],\"version\":1}")));
    byte[] latin1 =
        ("{\"content\":\"" + "é".repeat(500_000) + "\"}").getBytes(StandardCharsets.ISO_8859_1);
    out.add(new Hostile("not UTF-8, near 512 KB", latin1));
    String text = "{\"version\":1,\"content\":\"";
    out.add(
        new Hostile(
            "JSON at the topic limit",
            utf8(text + "x".repeat(MAX_VALUE_BYTES - text.length() - 2) + "\"}")));
    return out;
  }

  /**
   * A JSON object whose 2^{@code bits} keys all have the same {@link String#hashCode()} ("Aa" and
   * "BB" collide, and so does every string of such blocks).
   */
  private static String collidingKeys(int bits) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < 1 << bits; i++) {
      sb.append(i == 0 ? "\"" : ",\"");
      for (int b = 0; b < bits; b++) {
        sb.append(((i >> b) & 1) == 0 ? "Aa" : "BB");
      }
      sb.append("\":0");
    }
    return sb.append('}').toString();
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
    var props = new java.util.Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 * TOPIC_MAX_BYTES));
    List<Long> offsets = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < values.size(); i++) {
        RecordHeaders headers = new RecordHeaders();
        if (i % 3 == 1) {
          headers.add(new RecordHeader("h", new byte[] {(byte) 0xff, 0}));
          headers.add(new RecordHeader("", (byte[]) null));
        } else if (i % 3 == 2) {
          headers.add(new RecordHeader("content-type", utf8("application/json")));
        }
        offsets.add(
            producer
                .send(new ProducerRecord<>(topic, 0, null, null, values.get(i), headers))
                .get()
                .offset());
      }
    }
    return offsets;
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
   * Asserts received = accepted + rejected by source offset: every offset of {@code rejected} is in
   * the rejections table exactly once and on the rejections topic exactly once, with the SHA-256
   * and size of the value produced there; no other offset is; and the topic's copies stay within
   * the encoder's bound, carrying an exact prefix of the raw bytes.
   *
   * @param valueAt the value produced at each rejected offset
   */
  public static void assertRejectedOnce(
      LocalIcebergWarehouse warehouse,
      TableIdentifier table,
      EmbeddedKafka kafka,
      String rejectionsTopic,
      Map<Long, byte[]> valueAt)
      throws Exception {
    PlatformIo.awaitRows(warehouse, table, valueAt.size());
    List<Record> rows = PlatformIo.rows(warehouse, table);
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
        events.stream().collect(Collectors.groupingBy(e -> e.get("offset").asLong()));
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
