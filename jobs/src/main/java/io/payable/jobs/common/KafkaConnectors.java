package io.payable.jobs.common;

import io.payable.ingest.record.RawRecord;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka source and sink settings every job shares. */
public final class KafkaConnectors {

  private KafkaConnectors() {}

  /**
   * A source of raw records from the cluster {@code kafka} ({@link PlatformOptions#kafkaClient})
   * describes (parsing and rejecting happen in the job): committed offsets of the group, else the
   * earliest; transactional records only once committed; bounded at the offsets latest at start
   * when {@code stopAtLatest}.
   */
  public static KafkaSource<RawRecord> rawSource(
      Properties kafka, String topic, String groupId, boolean stopAtLatest) {
    var builder =
        KafkaSource.<RawRecord>builder()
            .setProperties(kafka)
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            .setDeserializer(new RawRecordDeserializer());
    if (stopAtLatest) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /**
   * Producer settings of the transactional sinks: the cluster and the {@code kafka.properties.*}
   * passthrough, transactions well under the broker's cap unless passed through, and the configured
   * {@code max.request.size} (which {@link RecordLimits} checks the rejections against).
   */
  public static Properties transactionalProducer(Configuration config) {
    Properties producer = new Properties();
    producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
    producer.putAll(PlatformOptions.kafkaClient(config));
    producer.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        String.valueOf(config.get(KafkaLimitOptions.PRODUCER_MAX_REQUEST_SIZE)));
    return producer;
  }
}
