package io.payable.jobs.ingest;

import io.payable.ingest.curation.ChainFlagDirectory;
import io.payable.ingest.curation.ContributionEvent;
import io.payable.ingest.curation.CurationGuard;
import io.payable.ingest.curation.CurationRequest;
import io.payable.ingest.curation.CurationValidator;
import io.payable.ingest.curation.FlagDirectory;
import io.payable.ingest.curation.TombstoneSink;
import io.payable.ingest.record.AcceptedContribution;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.ingest.shard.ShardManifestEventSerializer;
import io.payable.ingest.sink.ContributionEventTables;
import io.payable.ingest.validate.DatanetDirectory;
import io.payable.ingest.validate.Rejections;
import io.payable.jobs.common.KafkaConnectors;
import io.payable.jobs.common.PlatformOptions;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * The curation branch of the ingest job, present when {@code ingest.curation-topic} is set:
 *
 * <pre>
 * curation topic -> validate (format, Datanet, withdrawal signature / flag upheld on chain)
 *   -> keyBy Datanet, with the accepted contributions: curation guard (owner, not yet tombstoned)
 *   -> contribution_events, tombstones.json (after the checkpoint), index.manifest (tombstoned),
 *      and the shard builder (which drops the documents from the shards)
 * </pre>
 */
final class CurationTopology {

  private CurationTopology() {}

  /** The branch's outputs: tombstones for the shard builder, rejections for the job's sinks. */
  record Branch(DataStream<ContributionEvent> tombstones, DataStream<Rejection> rejections) {}

  /** No curation input: a tombstone stream that never emits, derived from {@code accepted}. */
  static DataStream<ContributionEvent> none(DataStream<AcceptedContribution> accepted) {
    return accepted
        .flatMap((AcceptedContribution c, Collector<ContributionEvent> out) -> {})
        .returns(ContributionEvent.class)
        .uid("curation-none")
        .name("no curation");
  }

  /**
   * Adds the branch.
   *
   * @param contributions the accepted contributions (who owns what)
   */
  static Branch add(
      StreamExecutionEnvironment env,
      Configuration config,
      String topic,
      CatalogLoader catalog,
      DataStream<AcceptedContribution> contributions,
      DatanetDirectory datanets) {
    ContributionEventTables.ensure(catalog.loadCatalog());
    String bootstrap = config.get(IngestOptions.BOOTSTRAP_SERVERS);
    String store = config.get(IngestOptions.INDEX_STORE);
    FlagDirectory flags =
        config
            .getOptional(IngestOptions.CHAIN_RPC_URL)
            .<FlagDirectory>map(
                rpc ->
                    new ChainFlagDirectory(
                        rpc,
                        config.get(IngestOptions.CHAIN_ID),
                        config.get(IngestOptions.DATANET_REGISTRY)))
            .orElse(FlagDirectory.NONE);

    SingleOutputStreamOperator<CurationRequest> checked =
        env.fromSource(
                KafkaConnectors.rawSource(
                    PlatformOptions.kafkaClient(config),
                    topic,
                    config.get(IngestOptions.GROUP_ID),
                    config.get(IngestOptions.STOP_AT_LATEST)),
                WatermarkStrategy.noWatermarks(),
                "curation")
            .uid("curation-source")
            .process(
                new CurationValidator(
                    config.get(IngestOptions.MAX_SUBMISSION_BYTES),
                    config.get(IngestOptions.CHAIN_ID),
                    config.get(IngestOptions.DATANET_REGISTRY),
                    datanets,
                    flags))
            .uid("curation-validate")
            .name("validate curation");

    SingleOutputStreamOperator<ContributionEvent> events =
        // Accepted contributions are partitioned by Datanet already (the content guard's key).
        DataStreamUtils.reinterpretAsKeyedStream(contributions, AcceptedContribution::datanetId)
            .connect(checked.keyBy(CurationRequest::datanetId))
            .process(new CurationGuard())
            .uid("curation-guard")
            .name("curation guard");

    FlinkSink.forRowData(
            events.map(ContributionEventTables::row).returns(RowData.class).uid("curation-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, ContributionEventTables.CONTRIBUTION_EVENTS))
        .uidPrefix("contribution-events-table")
        .append();
    DataStream<ContributionEvent> tombstones = events.filter(ContributionEvent::tombstones);
    tombstones.sinkTo(new TombstoneSink(store)).uid("tombstones").name("tombstones.json");
    tombstones
        .map(
            e ->
                ShardManifestEvent.tombstoned(
                    e.datanetId(),
                    e.contributionId(),
                    e.eventType(),
                    TombstoneSink.indexDir(store, e.datanetId())
                        .resolve("tombstones.json")
                        .toString(),
                    e.effectiveAt()))
        .returns(ShardManifestEvent.class)
        .uid("tombstone-events")
        .union(events.getSideOutput(CurationGuard.PENALTIES))
        .sinkTo(
            KafkaSink.<ShardManifestEvent>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(KafkaConnectors.transactionalProducer(config))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                    config.get(IngestOptions.TRANSACTIONAL_ID_PREFIX) + "-tombstones")
                .setRecordSerializer(
                    new ShardManifestEventSerializer(config.get(IngestOptions.MANIFEST_TOPIC)))
                .build())
        .uid("tombstone-manifest")
        .name("index.manifest (tombstoned)");

    return new Branch(
        tombstones,
        checked.getSideOutput(Rejections.TAG).union(events.getSideOutput(Rejections.TAG)));
  }
}
