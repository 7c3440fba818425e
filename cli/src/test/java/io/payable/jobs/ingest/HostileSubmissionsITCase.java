package io.payable.jobs.ingest;

import static io.payable.jobs.ingest.SubmissionFixtures.CHAIN_ID;
import static io.payable.jobs.ingest.SubmissionFixtures.OPEN;
import static io.payable.jobs.ingest.SubmissionFixtures.REGISTRY;
import static io.payable.jobs.ingest.SubmissionFixtures.key;
import static io.payable.jobs.ingest.SubmissionFixtures.passage;
import static io.payable.jobs.ingest.SubmissionFixtures.signed;
import static io.payable.jobs.ingest.SubmissionFixtures.withField;
import static io.payable.jobs.testing.HostileRecords.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.common.KafkaLimitOptions;
import io.payable.jobs.testing.FlinkFailoverTestBase;
import io.payable.jobs.testing.HostileRecords;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.HostileInputs.Hostile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * A hostile producer on {@code datanet.submissions}: records of every shape up to the topic's
 * limit, among valid submissions (one of them near 1 MiB). The ingest job runs through them on a
 * MiniCluster that would restart it on a failure, and the execution graph shows it never did; every
 * hostile record is rejected exactly once in the table and on the topic (by offset and SHA-256),
 * every valid one accepted.
 */
class HostileSubmissionsITCase extends FlinkFailoverTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyHostileRecordIsRejectedOnceAndTheJobNeverRestarts(
      @TempDir Path store, @InjectMiniCluster MiniCluster cluster) throws Exception {
    HostileRecords.createInputTopic(KAFKA.kafka(), "datanet.submissions");
    KAFKA.createTopics(1, "datanet.rejections", "index.manifest");

    Credentials alice = key(7001);
    List<Hostile> hostile = new ArrayList<>(HostileRecords.generic(22));
    byte[] valid = signed(alice, OPEN, 1, passage(1, 1));
    // Valid-looking submissions with a field of the wrong type.
    for (var field :
        Map.of(
                "version", "\"1\"",
                "content", "42",
                "nonce", "1.5",
                "datanet_id", "12",
                "signature", "[]",
                "license", "true",
                "metadata", "{\"k\":{\"deep\":[1]}}",
                "timestamp", "-1")
            .entrySet()) {
      ObjectNode node = (ObjectNode) JSON.readTree(valid);
      node.set(field.getKey(), JSON.readTree(field.getValue()));
      hostile.add(new Hostile("wrong type " + field.getKey(), utf8(node.toString())));
    }
    hostile.add(
        new Hostile(
            "metadata key a lone surrogate",
            utf8(
                new String(valid, java.nio.charset.StandardCharsets.UTF_8)
                    .replaceFirst("\\{", "{\"metadata\":{\"\\\\ud800\":1},"))));
    // Signed, but one byte over the 1 MiB submission limit.
    String big = bigText(1 << 20);
    byte[] tooLarge = signed(alice, OPEN, 2, big);
    hostile.add(new Hostile("signed, over 1 MiB", tooLarge));
    // Exactly at the limit, with the signature of other content.
    byte[] atLimit = withField(signed(alice, OPEN, 3, "x"), "content", "");
    int pad = (1 << 20) - atLimit.length;
    hostile.add(
        new Hostile(
            "at the limit, bad signature",
            withField(signed(alice, OPEN, 3, "x"), "content", "y".repeat(pad))));

    // Valid submissions: a small one and one just under 1 MiB.
    byte[] nearLimit = signed(alice, OPEN, 4, big.substring(0, big.length() - 4096));
    assertThat(nearLimit.length).isBetween((1 << 20) - 8192, 1 << 20);
    assertThat(hostile.get(hostile.size() - 1).value()).hasSize(1 << 20);

    // A valid submission an operator has chosen to skip: rejected, not accepted.
    hostile.add(new Hostile("skipped by the operator", signed(alice, OPEN, 5, passage(1, 5))));

    List<byte[]> values = new ArrayList<>();
    hostile.forEach(h -> values.add(h.value()));
    values.add(valid);
    values.add(nearLimit);
    List<Long> offsets = HostileRecords.produce(KAFKA.kafka(), "datanet.submissions", values);
    long skippedOffset = offsets.get(hostile.size() - 1);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    Configuration config = config(store);
    config.set(KafkaLimitOptions.SKIP_RECORDS, List.of("datanet.submissions:0:" + skippedOffset));
    IngestJob.build(env, config);
    JobClient job = env.executeAsync("ingest-hostile");
    job.getJobExecutionResult().get();
    HostileRecords.assertNoRestart(cluster, job.getJobID());

    HostileRecords.assertRejectedOnce(
        WAREHOUSE.warehouse(),
        IngestTables.REJECTIONS,
        KAFKA.kafka(),
        "datanet.rejections",
        "datanet.submissions",
        HostileRecords.byOffset(offsets, values, i -> i < hostile.size()));
    List<Record> accepted = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS);
    assertThat(accepted.stream().map(r -> (Integer) r.getField("byte_count")).toList())
        .containsExactlyInAnyOrder(passage(1, 1).getBytes().length, big.length() - 4096);
    assertThat(
            PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.REJECTIONS).stream()
                .filter(r -> r.getField("source_offset").equals(skippedOffset)))
        .singleElement()
        .satisfies(r -> assertThat(r.getField("reason")).isEqualTo("skipped"));
    // received = accepted + rejected
    Set<Long> rejectedOffsets =
        PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.REJECTIONS).stream()
            .map(r -> (Long) r.getField("source_offset"))
            .collect(Collectors.toSet());
    assertThat(accepted.size() + rejectedOffsets.size()).isEqualTo(values.size());
  }

  @Test
  void refusesToStartWhenARejectionMayNotFitTheRejectionsTopic(@TempDir Path store) {
    KAFKA
        .kafka()
        .createTopics(
            List.of(
                new NewTopic("small.rejections", 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "50000"))));
    Configuration config = config(store);
    config.set(IngestOptions.REJECTIONS_TOPIC, "small.rejections");
    assertThatThrownBy(
            () -> IngestJob.build(StreamExecutionEnvironment.getExecutionEnvironment(), config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("small.rejections")
        .hasMessageContaining("max.message.bytes=50000");

    // The same topic is fine with a smaller prefix; a producer limit below the bound is not.
    config.set(KafkaLimitOptions.REJECTION_RAW_PREFIX_BYTES, 4096);
    IngestJob.build(StreamExecutionEnvironment.getExecutionEnvironment(), config);
    config.set(KafkaLimitOptions.PRODUCER_MAX_REQUEST_SIZE, 10_000);
    assertThatThrownBy(
            () -> IngestJob.build(StreamExecutionEnvironment.getExecutionEnvironment(), config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.producer.max-request-size=10000");
  }

  private static Configuration config(Path store) {
    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.DATANET_REGISTRY, REGISTRY);
    config.set(IngestOptions.CHAIN_ID, CHAIN_ID);
    config.set(IngestOptions.DATANETS, Map.of(OPEN, "OPEN"));
    config.set(IngestOptions.STOP_AT_LATEST, true);
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    config.set(IngestOptions.INDEX_STORE, store.toUri().toString());
    return config;
  }

  /** Distinct prose-like text of {@code bytes} ASCII bytes. */
  private static String bigText(int bytes) {
    Random random = new Random(5);
    String[] words = {"whale", "ship", "sea", "harbor", "captain", "winter", "voyage", "river"};
    StringBuilder sb = new StringBuilder(bytes);
    while (sb.length() < bytes) {
      sb.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
    }
    sb.setLength(bytes);
    return sb.toString();
  }
}
