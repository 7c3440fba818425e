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
    return new ProducerRecord<>(
        topic,
        null,
        reward.eventTime(),
        reward.eventId().getBytes(StandardCharsets.UTF_8),
        AttributedRewardJson.encode(reward));
  }
}
