package io.payable.jobs.ingest;

import io.payable.ingest.anchor.AnchorSink;
import io.payable.ingest.anchor.ChainEndpoint;
import io.payable.ingest.curation.ChainContributorStanding;
import io.payable.ingest.curation.ContributionEvent;
import io.payable.ingest.curation.ContributorGate;
import io.payable.ingest.record.AcceptedContribution;
import io.payable.ingest.record.CheckedSubmission;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.shard.SealedShard;
import io.payable.ingest.shard.ShardBuilder;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.ingest.shard.ShardManifestEventSerializer;
import io.payable.ingest.shard.ShardStoreSink;
import io.payable.ingest.sink.IngestRows;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.validate.ChainDatanetDirectory;
import io.payable.ingest.validate.ContentGuard;
import io.payable.ingest.validate.DatanetDirectory;
import io.payable.ingest.validate.NearDuplicatePolicy;
import io.payable.ingest.validate.NonceGuard;
import io.payable.ingest.validate.Rejections;
import io.payable.ingest.validate.StaticDatanetDirectory;
import io.payable.ingest.validate.SubmissionValidator;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.common.KafkaConnectors;
import io.payable.jobs.common.KafkaLimitOptions;
import io.payable.jobs.common.PlatformOptions;
import io.payable.jobs.common.RecordLimits;
import io.payable.jobs.common.RejectionSinks;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.ParameterTool;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * The ingest job: signed submissions in, validated contributions and reasoned rejections out.
 *
 * <pre>
 * datanet.submissions -> validate (format, Datanet, signature)
 *   -> keyBy contributor: nonce guard -> keyBy Datanet: content guard -> shard builder
 *   shard builder -> contributions (with shard id) -> datanet_contributions
 *   shard builder -> sealed shards -> index store (two-phase), index.manifest, index_shards,
 *                                     DatanetRegistry.anchor (after the checkpoint)
 *   every rejection -> datanet.rejections (transactional) + contribution_rejections
 * </pre>
 *
 * Operator uids are stable so the job upgrades from savepoints.
 */
public final class IngestJob {

  private IngestJob() {}

  public static void main(String[] args) throws Exception {
    Configuration config = ParameterTool.fromArgs(args).getConfiguration();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, config);
    env.execute("payable-ingest");
  }

  /** Adds the ingest topology to {@code env}; the caller executes it. */
  public static void build(StreamExecutionEnvironment env, Configuration config) {
    PlatformOptions.validate(config);
    env.enableCheckpointing(config.get(IngestOptions.CHECKPOINT_INTERVAL).toMillis());
    CatalogLoader catalog = IcebergOptions.catalogLoader(config);
    IngestTables.ensure(catalog.loadCatalog());

    String bootstrap = config.get(IngestOptions.BOOTSTRAP_SERVERS);
    RecordLimits.check(config, bootstrap, config.get(IngestOptions.REJECTIONS_TOPIC));
    KafkaSource<RawRecord> source =
        KafkaConnectors.rawSource(
            PlatformOptions.kafkaClient(config),
            config.get(IngestOptions.SUBMISSIONS_TOPIC),
            config.get(IngestOptions.GROUP_ID),
            config.get(IngestOptions.STOP_AT_LATEST));

    DatanetDirectory datanets = datanetDirectory(config);
    SingleOutputStreamOperator<CheckedSubmission> checked =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "submissions")
            .uid("ingest-source")
            .process(
                new SubmissionValidator(
                    config.get(IngestOptions.MAX_SUBMISSION_BYTES),
                    config.get(IngestOptions.CHAIN_ID),
                    config.get(IngestOptions.DATANET_REGISTRY),
                    datanets,
                    KafkaLimitOptions.skipped(config)))
            .uid("ingest-validate")
            .name("validate submissions");

    // With a chain: penalised and under-staked contributors are turned away (DatanetRegistry).
    SingleOutputStreamOperator<CheckedSubmission> allowed =
        config.getOptional(IngestOptions.CHAIN_RPC_URL).isEmpty()
            ? checked
            : checked
                .process(
                    new ContributorGate(
                        new ChainContributorStanding(
                            config.get(IngestOptions.CHAIN_RPC_URL),
                            config.get(IngestOptions.CHAIN_ID),
                            config.get(IngestOptions.DATANET_REGISTRY),
                            config.get(IngestOptions.DATANET_REFRESH).toMillis())))
                .uid("ingest-contributor-gate")
                .name("contributor standing");
    SingleOutputStreamOperator<CheckedSubmission> fresh =
        allowed
            .keyBy(CheckedSubmission::contributor)
            .process(new NonceGuard())
            .uid("ingest-nonce")
            .name("nonce guard");

    SingleOutputStreamOperator<AcceptedContribution> accepted =
        fresh
            .keyBy(CheckedSubmission::datanetId)
            .process(
                new ContentGuard(
                    config.get(IngestOptions.TOKENIZER),
                    config.get(IngestOptions.MIN_TOKENS),
                    new NearDuplicatePolicy(
                        config.get(IngestOptions.INDEX_STORE),
                        config.get(IngestOptions.NEAR_DUPLICATE_SHARE),
                        config.get(IngestOptions.NEAR_DUPLICATE_MIN_SPAN),
                        config.get(IngestOptions.NEAR_DUPLICATE_REFRESH).toMillis())))
            .uid("ingest-content")
            .name("content guard");

    var curationTopic = config.getOptional(IngestOptions.CURATION_TOPIC);
    CurationTopology.Branch curation =
        curationTopic.isPresent()
            ? CurationTopology.add(env, config, curationTopic.get(), catalog, accepted, datanets)
            : new CurationTopology.Branch(CurationTopology.none(accepted), null);

    SingleOutputStreamOperator<SealedShard> sealed =
        DataStreamUtils.reinterpretAsKeyedStream(accepted, AcceptedContribution::datanetId)
            .connect(curation.tombstones().keyBy(ContributionEvent::datanetId))
            .process(
                new ShardBuilder(
                    config.get(IngestOptions.SHARD_MAX_SYMBOLS),
                    config.get(IngestOptions.SHARD_MAX_AGE).toMillis(),
                    config.get(IngestOptions.TOKENIZER),
                    config.get(IngestOptions.SMALL_SHARD_SYMBOLS),
                    config.get(IngestOptions.COMPACTION_FAN_IN),
                    config.get(IngestOptions.INDEX_STORE)))
            .uid("ingest-shard-builder")
            .name("shard builder");
    DataStream<AcceptedContribution> contributions =
        sealed.getSideOutput(ShardBuilder.CONTRIBUTIONS);

    String store = config.get(IngestOptions.INDEX_STORE);
    sealed.sinkTo(new ShardStoreSink(store)).uid("index-store").name("index store");
    config
        .getOptional(IngestOptions.CHAIN_RPC_URL)
        .ifPresent(
            rpc ->
                sealed
                    .sinkTo(
                        new AnchorSink(
                            new ChainEndpoint(
                                rpc,
                                config.get(IngestOptions.CHAIN_ID),
                                config.get(IngestOptions.DATANET_REGISTRY),
                                config.get(IngestOptions.ANCHOR_KEY)),
                            config.get(IngestOptions.ANCHOR_MAX_RETRIES)))
                    .uid("shard-anchors")
                    .name("DatanetRegistry.anchor"));
    DataStream<ShardManifestEvent> shardEvents =
        sealed
            .map(
                s ->
                    ShardManifestEvent.of(
                        s, ShardStoreSink.shardPath(store, s.datanetId(), s.sequence()).toString()))
            .returns(ShardManifestEvent.class)
            .uid("shard-events")
            .name("shard events");
    shardEvents
        .sinkTo(
            KafkaSink.<ShardManifestEvent>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(KafkaConnectors.transactionalProducer(config))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                    config.get(IngestOptions.TRANSACTIONAL_ID_PREFIX) + "-manifest")
                .setRecordSerializer(
                    new ShardManifestEventSerializer(config.get(IngestOptions.MANIFEST_TOPIC)))
                .build())
        .uid("manifest-topic")
        .name("index.manifest");
    FlinkSink.forRowData(
            shardEvents.map(IngestRows::shard).returns(RowData.class).uid("shard-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, IngestTables.INDEX_SHARDS))
        .uidPrefix("index-shards-table")
        .append();

    DataStream<Rejection> rejections =
        checked
            .getSideOutput(Rejections.TAG)
            .union(fresh.getSideOutput(Rejections.TAG), accepted.getSideOutput(Rejections.TAG));
    if (allowed != checked) {
      rejections = rejections.union(allowed.getSideOutput(Rejections.TAG));
    }
    if (curation.rejections() != null) {
      rejections = rejections.union(curation.rejections());
    }

    FlinkSink.forRowData(
            contributions
                .map(IngestRows::contribution)
                .returns(RowData.class)
                .uid("contribution-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, IngestTables.CONTRIBUTIONS))
        .uidPrefix("contributions-table")
        .append();

    RejectionSinks.write(
        rejections,
        catalog,
        bootstrap,
        config,
        new RejectionSinks.Target(
            IngestTables.REJECTIONS,
            "rejections-table",
            config.get(IngestOptions.REJECTIONS_TOPIC),
            config.get(IngestOptions.TRANSACTIONAL_ID_PREFIX),
            "rejections-topic",
            "datanet.rejections"));
  }

  /** The chain's DatanetRegistry when a chain is configured, else the configured list. */
  private static DatanetDirectory datanetDirectory(Configuration config) {
    DatanetDirectory configured =
        new StaticDatanetDirectory(IngestOptions.datanets(config.get(IngestOptions.DATANETS)));
    return config
        .getOptional(IngestOptions.CHAIN_RPC_URL)
        .<DatanetDirectory>map(
            rpc ->
                new ChainDatanetDirectory(
                    rpc,
                    config.get(IngestOptions.CHAIN_ID),
                    config.get(IngestOptions.DATANET_REGISTRY),
                    config.get(IngestOptions.DATANET_REFRESH).toMillis(),
                    configured))
        .orElse(configured);
  }
}
