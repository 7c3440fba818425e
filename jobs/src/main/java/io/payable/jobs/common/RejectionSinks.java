package io.payable.jobs.common;

import io.payable.ingest.record.Rejection;
import io.payable.ingest.sink.IngestRows;
import io.payable.ingest.sink.RejectionJson;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * Where every job's rejections go: the whole record into its Iceberg rejections table, and a
 * bounded copy (docs/formats.md, rejection v2) exactly once onto its rejections topic. One place,
 * so the three jobs cannot drift apart in what a rejection keeps. Operator uids are the callers',
 * unchanged, so savepoints of earlier versions still map.
 */
public final class RejectionSinks {
  private RejectionSinks() {}

  /** The names and uids of one job's rejection sinks. */
  public record Target(
      TableIdentifier table,
      String tableUidPrefix,
      String topic,
      String transactionalIdPrefix,
      String topicUid,
      String topicOperatorName) {}

  /** Adds both sinks for {@code rejections}. */
  public static void write(
      DataStream<Rejection> rejections,
      CatalogLoader catalog,
      String bootstrapServers,
      Configuration config,
      Target target) {
    FlinkSink.forRowData(
            rejections.map(IngestRows::rejection).returns(RowData.class).uid("rejection-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, target.table()))
        .uidPrefix(target.tableUidPrefix())
        .append();
    rejections
        .sinkTo(
            KafkaSink.<Rejection>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(KafkaConnectors.transactionalProducer(config))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(target.transactionalIdPrefix())
                .setRecordSerializer(
                    KafkaRecordSerializationSchema.<Rejection>builder()
                        .setTopic(target.topic())
                        .setValueSerializationSchema(
                            new RejectionJson(
                                config.get(KafkaLimitOptions.REJECTION_RAW_PREFIX_BYTES)))
                        .build())
                .build())
        .uid(target.topicUid())
        .name(target.topicOperatorName());
  }
}
