package io.payable.attribution.match;

import io.payable.ingest.shard.ShardManifestEvent;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code index.manifest}. The ingest job is its only writer; an event this version cannot
 * read (a newer format) is logged with its offset and skipped rather than stopping attribution.
 */
public final class ShardManifestEventDeserializer
    implements KafkaRecordDeserializationSchema<ShardManifestEvent> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ShardManifestEventDeserializer.class);

  private transient Counter unreadable;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    unreadable =
        context
            .getMetricGroup()
            .addGroup("payable")
            .addGroup("attribution")
            .counter("unreadableManifestEvents");
  }

  @Override
  public void deserialize(
      ConsumerRecord<byte[], byte[]> record, Collector<ShardManifestEvent> out) {
    try {
      out.collect(ShardManifestEvent.fromJson(record.value()));
    } catch (RuntimeException e) {
      // Any record the topic can hold: a bad one is logged, never a failure of the job.
      if (unreadable != null) {
        unreadable.inc();
      }
      LOG.error(
          "unreadable manifest event at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  @Override
  public TypeInformation<ShardManifestEvent> getProducedType() {
    return TypeInformation.of(ShardManifestEvent.class);
  }
}
