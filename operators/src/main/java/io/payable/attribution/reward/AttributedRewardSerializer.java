package io.payable.attribution.reward;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes rewards to {@code rewards.attributed}, keyed by event id. */
public final class AttributedRewardSerializer
    implements KafkaRecordSerializationSchema<AttributedReward> {

  private static final long serialVersionUID = 1L;

  private final String topic;

  public AttributedRewardSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      AttributedReward reward, KafkaSinkContext context, Long timestamp) {
    // No record timestamp from the event: its done time is the worker's claim, and a broker refuses
    // a record timestamped too far ahead (message.timestamp.after.max.ms), which would fail the
    // sink on every retry. The event time travels in the value.
    return new ProducerRecord<>(
        topic,
        null,
        null,
        reward.eventId().getBytes(StandardCharsets.UTF_8),
        AttributedRewardJson.encode(reward));
  }
}
