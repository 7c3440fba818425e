package io.payable.ingest.shard;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes shard events to the manifest topic, keyed by Datanet so each Datanet stays in order. */
public final class ShardManifestEventSerializer
    implements KafkaRecordSerializationSchema<ShardManifestEvent> {

  private static final long serialVersionUID = 1L;

  private final String topic;

  public ShardManifestEventSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      ShardManifestEvent event, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic, event.datanetId().getBytes(StandardCharsets.UTF_8), event.toJson());
  }
}
