package io.payable.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.match.ManifestSnapshot;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.ingest.record.RawRecord;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kafka.properties.*} reaches every kind of Kafka client the jobs create: the admin client
 * of the limit check, the consumer an operator opens itself (the manifest snapshot), and the Flink
 * source and transactional sink, each in a real client against a real broker. The passed setting is
 * {@code metric.reporters}: every Kafka client instantiates and configures the reporters it names,
 * so the reporter below sees each client that received the passthrough.
 */
class KafkaPassthroughITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  /** Remembers the kind of every Kafka client that configured it, and the client's id. */
  public static final class RecordingReporter implements MetricsReporter {

    static final Set<String> CLIENTS = ConcurrentHashMap.newKeySet();

    @Override
    public void configure(Map<String, ?> configs) {
      String kind =
          configs.containsKey("key.deserializer")
              ? "consumer"
              : configs.containsKey("key.serializer") ? "producer" : "admin";
      CLIENTS.add(kind + " " + configs.get("client.id"));
    }

    @Override
    public void init(List<KafkaMetric> metrics) {}

    @Override
    public void metricChange(KafkaMetric metric) {}

    @Override
    public void metricRemoval(KafkaMetric metric) {}

    @Override
    public void close() {}
  }

  private static Configuration config() {
    Configuration config = new Configuration();
    config.set(PlatformOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.setString("kafka.properties.metric.reporters", RecordingReporter.class.getName());
    return config;
  }

  @BeforeEach
  void forget() {
    RecordingReporter.CLIENTS.clear();
  }

  @Test
  void theLimitChecksAdminClientGetsThePassthrough() {
    Configuration config = config();
    config.setString("kafka.properties.client.id", "passthrough-it");
    PlatformOptions.validate(config);

    RecordLimits.check(config, KAFKA.bootstrapServers(), "passthrough.rejections");

    assertThat(RecordingReporter.CLIENTS).containsExactly("admin passthrough-it");
  }

  @Test
  void anOperatorsOwnConsumerGetsThePassthrough() {
    KAFKA.createTopics(1, "passthrough.manifest");

    Configuration config = config();
    config.setString("kafka.properties.client.id", "passthrough-it");

    assertThat(
            ManifestSnapshot.read(PlatformOptions.kafkaClientMap(config), "passthrough.manifest"))
        .isEmpty();

    assertThat(RecordingReporter.CLIENTS).containsExactly("consumer passthrough-it");
  }

  @Test
  void theJobsSourceAndSinkGetThePassthrough() throws Exception {
    KAFKA.createTopics(1, "passthrough.in", "passthrough.out");
    List<byte[]> values =
        List.of("1", "2", "3").stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    PlatformIo.produce(KAFKA.kafka(), "passthrough.in", values);
    Configuration config = config();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.fromSource(
            KafkaConnectors.rawSource(
                PlatformOptions.kafkaClient(config), "passthrough.in", "passthrough", true),
            WatermarkStrategy.noWatermarks(),
            "in")
        .map(RawRecord::value)
        .sinkTo(
            KafkaSink.<byte[]>builder()
                .setKafkaProducerConfig(KafkaConnectors.transactionalProducer(config))
                .setRecordSerializer(
                    (value, context, timestamp) -> new ProducerRecord<>("passthrough.out", value))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build());
    env.execute("passthrough");

    assertThat(PlatformIo.consume(KAFKA.kafka(), "passthrough.out", 3))
        .extracting(n -> n.asInt())
        .containsExactlyInAnyOrder(1, 2, 3);
    assertThat(RecordingReporter.CLIENTS.stream().map(c -> c.split(" ")[0]))
        .contains("consumer", "producer");
  }
}
