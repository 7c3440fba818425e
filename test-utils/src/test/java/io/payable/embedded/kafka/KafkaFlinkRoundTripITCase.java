package io.payable.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records go through the embedded broker, a Flink job (KafkaSource to an exactly-once KafkaSink
 * with checkpointing on) and back out, as committed transactions.
 */
class KafkaFlinkRoundTripITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  private static final int RECORDS = 500;

  @Test
  void recordsFlowFromTopicThroughFlinkIntoTopicExactlyOnce() throws Exception {
    KAFKA.createTopics(2, "roundtrip.in", "roundtrip.out");
    produce("roundtrip.in", IntStream.range(0, RECORDS).mapToObj(i -> "record-" + i).toList());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(200);
    env.setParallelism(2);
    KafkaSource<String> source =
        KafkaSource.<String>builder()
            .setBootstrapServers(KAFKA.bootstrapServers())
            .setTopics("roundtrip.in")
            .setGroupId("roundtrip")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .setValueOnlyDeserializer(new SimpleStringSchema())
            .build();
    Properties producerConfig = new Properties();
    producerConfig.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
    KafkaSink<String> sink =
        KafkaSink.<String>builder()
            .setBootstrapServers(KAFKA.bootstrapServers())
            .setKafkaProducerConfig(producerConfig)
            .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .setTransactionalIdPrefix("roundtrip-it")
            .setRecordSerializer(
                KafkaRecordSerializationSchema.builder()
                    .setTopic("roundtrip.out")
                    .setValueSerializationSchema(new SimpleStringSchema())
                    .build())
            .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "submissions")
        .map(String::toUpperCase)
        .sinkTo(sink);
    env.execute("kafka-roundtrip");

    List<String> out = consumeCommitted("roundtrip.out", RECORDS);
    assertThat(out)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, RECORDS).mapToObj(i -> "RECORD-" + i).toList());
  }

  private static void produce(String topic, List<String> values) {
    Properties props = KAFKA.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value, value));
      }
      producer.flush();
    }
  }

  private static List<String> consumeCommitted(String topic, int expected) {
    Properties props = KAFKA.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-check");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // Read past the expected count for a moment so duplicates would show up too.
      int emptyPollsAfterExpected = 0;
      while (System.nanoTime() < deadline && emptyPollsAfterExpected < 3) {
        var records = consumer.poll(Duration.ofMillis(300));
        for (ConsumerRecord<String, String> r : records) {
          values.add(r.value());
        }
        if (values.size() >= expected && records.isEmpty()) {
          emptyPollsAfterExpected++;
        }
      }
    }
    return values;
  }
}
