package io.payable.jobs.attribution;

import io.payable.attribution.gradient.GradientScorer;
import io.payable.attribution.gradient.GradientTombstone;
import io.payable.attribution.gradient.InfluenceManifestDecoder;
import io.payable.attribution.gradient.InfluenceStoreEvent;
import io.payable.attribution.gradient.ScorerBroadcast;
import io.payable.attribution.intake.AdapterDirectory;
import io.payable.attribution.intake.AttributionRequest;
import io.payable.attribution.intake.ChainAdapterDirectory;
import io.payable.attribution.intake.ChainWorkerDirectory;
import io.payable.attribution.intake.ConsumerLedger;
import io.payable.attribution.intake.EventGate;
import io.payable.attribution.intake.InferenceDecoder;
import io.payable.attribution.intake.VerifiedEvent;
import io.payable.attribution.intake.WorkerDirectory;
import io.payable.attribution.match.GroupMatch;
import io.payable.attribution.match.ManifestDecoder;
import io.payable.attribution.match.ShardGroupMatcher;
import io.payable.attribution.merge.AttributedEvent;
import io.payable.attribution.merge.AttributionMerger;
import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.params.ChainParamsSource;
import io.payable.attribution.params.ParamsSource;
import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardSerializer;
import io.payable.attribution.sink.AttributionRows;
import io.payable.attribution.sink.AttributionTables;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.ingest.validate.Rejections;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.common.KafkaConnectors;
import io.payable.jobs.common.KafkaLimitOptions;
import io.payable.jobs.common.PlatformOptions;
import io.payable.jobs.common.RawRecordDeserializer;
import io.payable.jobs.common.RecordLimits;
import io.payable.jobs.common.RejectionSinks;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ParameterTool;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The attribution job: signed inference events in, exact per-recipient rewards out.
 *
 * <pre>
 * inference.events -> decode + verify (signature, registered worker)
 *   -> keyBy event id: gate (duplicates, fees, adapters; parameter snapshot)
 *   -> keyBy adapter id: gradient scorer for gradient and hybrid adapters (influence stores
 *      following influence.manifest through broadcast state; sketch audit)
 *   -> keyBy consumer: ledger (cumulative charges within the consumer's voucher, else unpaid)
 *   -> broadcast to the shard groups (each holds the shards hashed to it, following
 *      index.manifest through broadcast state) -> partial matches
 *   -> keyBy event id: merge into maximal spans, score, split the fee
 *   -> attributions, attribution_spans, attribution_influences (Iceberg), rewards.attributed
 *      (transactional)
 *   every refused record or event -> inference.rejections (transactional) + inference_rejections
 * </pre>
 *
 * Operator uids are stable so the job upgrades from savepoints (docs/operations.md).
 */
public final class AttributionJob {

  private AttributionJob() {}

  public static void main(String[] args) throws Exception {
    Configuration config = ParameterTool.fromArgs(args).getConfiguration();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, config);
    env.execute("payable-attribution");
  }

  /** Adds the attribution topology to {@code env}; the caller executes it. */
  public static void build(StreamExecutionEnvironment env, Configuration config) {
    PlatformOptions.validate(config);
    env.enableCheckpointing(config.get(AttributionOptions.CHECKPOINT_INTERVAL).toMillis());
    CatalogLoader catalog = IcebergOptions.catalogLoader(config);
    AttributionTables.ensure(catalog.loadCatalog());
    String bootstrap = config.get(AttributionOptions.BOOTSTRAP_SERVERS);
    RecordLimits.check(config, bootstrap, config.get(AttributionOptions.REJECTIONS_TOPIC));
    String treasury =
        config
            .getOptional(AttributionOptions.PROTOCOL_TREASURY)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        AttributionOptions.PROTOCOL_TREASURY.key() + " is required"))
            .toLowerCase(Locale.ROOT);

    // The manifest is read whole on every fresh start: the shard set is its full history.
    var manifest =
        KafkaSource.<RawRecord>builder()
            .setProperties(PlatformOptions.kafkaClient(config))
            .setTopics(config.get(AttributionOptions.MANIFEST_TOPIC))
            .setGroupId(config.get(AttributionOptions.GROUP_ID) + "-manifest")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            .setDeserializer(new RawRecordDeserializer());

    if (config.get(AttributionOptions.STOP_AT_LATEST)) {
      manifest.setBounded(OffsetsInitializer.latest());
    }
    SingleOutputStreamOperator<VerifiedEvent> verified =
        env.fromSource(
                KafkaConnectors.rawSource(
                    PlatformOptions.kafkaClient(config),
                    config.get(AttributionOptions.EVENTS_TOPIC),
                    config.get(AttributionOptions.GROUP_ID),
                    config.get(AttributionOptions.STOP_AT_LATEST)),
                WatermarkStrategy.noWatermarks(),
                "inference events")
            .uid("attribution-source")
            .process(new InferenceDecoder(workers(config), KafkaLimitOptions.skipped(config)))
            .uid("attribution-decode")
            .name("verify batches");

    SingleOutputStreamOperator<AttributionRequest> gated =
        verified
            .keyBy(v -> v.event().eventId())
            .process(
                new EventGate(
                    adapters(config),
                    params(config),
                    config.get(AttributionOptions.DEDUPE_RETENTION)))
            .uid("attribution-gate")
            .name("dedupe and check events");

    SingleOutputStreamOperator<ShardManifestEvent> manifestEvents =
        env.fromSource(manifest.build(), WatermarkStrategy.noWatermarks(), "index manifest")
            .uid("attribution-manifest-source")
            .setParallelism(1)
            .process(new ManifestDecoder())
            .uid("attribution-manifest-decode")
            .name("read manifest")
            .setParallelism(1);
    // Attribution v2 (gradient and hybrid adapters), keyed by adapter: influence stores arrive
    // through influence.manifest like shards through index.manifest. Before the ledger, so that an
    // event rejected for its sketch is never charged.
    String influenceTopic =
        config.getOptional(AttributionOptions.INFLUENCE_MANIFEST_TOPIC).orElse(null);
    SingleOutputStreamOperator<InfluenceStoreEvent> storeEvents = null;
    SingleOutputStreamOperator<AttributionRequest> scored;
    if (influenceTopic != null) {
      var influenceSource =
          KafkaSource.<RawRecord>builder()
              .setBootstrapServers(bootstrap)
              .setTopics(influenceTopic)
              .setGroupId(config.get(AttributionOptions.GROUP_ID) + "-influence")
              .setStartingOffsets(OffsetsInitializer.earliest())
              .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
              .setDeserializer(new RawRecordDeserializer());
      if (config.get(AttributionOptions.STOP_AT_LATEST)) {
        influenceSource.setBounded(OffsetsInitializer.latest());
      }
      storeEvents =
          env.fromSource(
                  influenceSource.build(), WatermarkStrategy.noWatermarks(), "influence manifest")
              .uid("attribution-influence-source")
              .setParallelism(1)
              .process(new InfluenceManifestDecoder())
              .uid("attribution-influence-decode")
              .name("read influence manifest")
              .setParallelism(1);
      scored =
          gated
              .keyBy(r -> r.event().adapterId())
              .connect(
                  storeEvents
                      .map(e -> (ScorerBroadcast) e)
                      .returns(TypeInformation.of(ScorerBroadcast.class))
                      .uid("attribution-influence-stores")
                      .name("influence stores")
                      .setParallelism(1)
                      .union(
                          // Withdrawals and penalties stop gradient credit as they stop span
                          // credit (docs/attribution.md, V2.6 step 3).
                          manifestEvents
                              .flatMap(
                                  (ShardManifestEvent e, Collector<ScorerBroadcast> o) -> {
                                    GradientTombstone t = GradientTombstone.of(e);
                                    if (t != null) {
                                      o.collect(t);
                                    }
                                  })
                              .returns(TypeInformation.of(ScorerBroadcast.class))
                              .uid("attribution-gradient-tombstones")
                              .name("gradient tombstones")
                              .setParallelism(1))
                      .broadcast(GradientScorer.STORES, GradientScorer.TOMBSTONES))
              .process(
                  new GradientScorer(
                      true,
                      config.get(AttributionOptions.GRADIENT_BATCH_SIZE),
                      config.get(AttributionOptions.GRADIENT_BATCH_DELAY)))
              .uid("attribution-gradient")
              .name("gradient scorer");
    } else {
      // No influence manifest: no adapter has a store; gradient and hybrid events are rejected.
      scored =
          gated
              .process(new GradientScorer.WithoutStores())
              .uid("attribution-gradient")
              .name("gradient scorer (no stores)");
    }

    // After the gate, so that a duplicate is never charged; keyed by consumer for the running
    // total (docs/operations.md, "Consumer payments").
    SingleOutputStreamOperator<AttributionRequest> accepted =
        scored
            .keyBy(ConsumerLedger::key)
            .process(
                new ConsumerLedger(
                    config.get(AttributionOptions.REQUIRE_VOUCHER),
                    config.getOptional(AttributionOptions.CHAIN_ID).orElse(null),
                    config.getOptional(AttributionOptions.CONSUMER_ESCROW).orElse(null)))
            .uid("attribution-consumer-ledger")
            .name("charge consumers");

    BroadcastStream<ShardManifestEvent> shardEvents =
        manifestEvents.broadcast(ShardGroupMatcher.SHARDS);

    SingleOutputStreamOperator<GroupMatch> partials =
        accepted
            .broadcast()
            .connect(shardEvents)
            .process(
                new ShardGroupMatcher(
                    config.get(AttributionOptions.TOKENIZER),
                    config.get(AttributionOptions.INDEX_CACHE_DIR),
                    PlatformOptions.kafkaClientMap(config),
                    config.get(AttributionOptions.MANIFEST_TOPIC)))
            .uid("attribution-shard-groups")
            .name("shard groups");
    config.getOptional(AttributionOptions.SHARD_GROUPS).ifPresent(partials::setParallelism);

    SingleOutputStreamOperator<AttributedEvent> attributed =
        partials
            .keyBy(GroupMatch::eventId)
            .process(new AttributionMerger(treasury))
            .uid("attribution-merge")
            .name("merge, score, split");

    FlinkSink.forRowData(
            attributed
                .flatMap(AttributionRows::attributions)
                .returns(RowData.class)
                .uid("attribution-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, AttributionTables.ATTRIBUTIONS))
        .uidPrefix("attributions-table")
        .append();
    FlinkSink.forRowData(
            attributed.flatMap(AttributionRows::spans).returns(RowData.class).uid("span-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, AttributionTables.SPANS))
        .uidPrefix("attribution-spans-table")
        .append();
    FlinkSink.forRowData(
            attributed
                .flatMap(AttributionRows::influences)
                .returns(RowData.class)
                .uid("influence-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, AttributionTables.INFLUENCES))
        .uidPrefix("attribution-influences-table")
        .append();
    attributed
        .map(AttributedEvent::reward)
        .returns(AttributedReward.class)
        .uid("rewards")
        .sinkTo(
            KafkaSink.<AttributedReward>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(KafkaConnectors.transactionalProducer(config))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                    config.get(AttributionOptions.TRANSACTIONAL_ID_PREFIX) + "-rewards")
                .setRecordSerializer(
                    new AttributedRewardSerializer(config.get(AttributionOptions.REWARDS_TOPIC)))
                .build())
        .uid("rewards-topic")
        .name("rewards.attributed");

    DataStream<Rejection> rejections =
        verified
            .getSideOutput(Rejections.TAG)
            .union(
                gated.getSideOutput(Rejections.TAG),
                scored.getSideOutput(Rejections.TAG),
                accepted.getSideOutput(Rejections.TAG),
                manifestEvents.getSideOutput(Rejections.TAG));
    if (storeEvents != null) {
      rejections = rejections.union(storeEvents.getSideOutput(Rejections.TAG));
    }
    RejectionSinks.write(
        rejections,
        catalog,
        bootstrap,
        config,
        new RejectionSinks.Target(
            AttributionTables.REJECTIONS,
            "inference-rejections-table",
            config.get(AttributionOptions.REJECTIONS_TOPIC),
            config.get(AttributionOptions.TRANSACTIONAL_ID_PREFIX) + "-rejections",
            "inference-rejections-topic",
            "inference.rejections"));
  }

  private static WorkerDirectory workers(Configuration config) {
    Map<String, String> operators = new LinkedHashMap<>();
    config
        .get(AttributionOptions.WORKERS)
        .forEach((w, o) -> operators.put(w.toLowerCase(Locale.ROOT), o.toLowerCase(Locale.ROOT)));
    WorkerDirectory configured = WorkerDirectory.fixed(operators);
    return config
        .getOptional(AttributionOptions.CHAIN_RPC_URL)
        .<WorkerDirectory>map(
            rpc ->
                new ChainWorkerDirectory(
                    rpc,
                    required(config, AttributionOptions.MODEL_REGISTRY),
                    config.get(AttributionOptions.CHAIN_REFRESH).toMillis(),
                    configured))
        .orElse(configured);
  }

  private static AdapterDirectory adapters(Configuration config) {
    AdapterDirectory configured = AdapterDirectory.fixed(AttributionOptions.adapters(config));
    return config
        .getOptional(AttributionOptions.CHAIN_RPC_URL)
        .<AdapterDirectory>map(
            rpc ->
                new ChainAdapterDirectory(
                    rpc,
                    required(config, AttributionOptions.MODEL_REGISTRY),
                    required(config, AttributionOptions.DATANET_REGISTRY),
                    config.get(AttributionOptions.CHAIN_REFRESH).toMillis(),
                    configured))
        .orElse(configured);
  }

  private static ParamsSource params(Configuration config) {
    AttributionParams fallback = AttributionOptions.fallbackParams(config);
    return config
        .getOptional(AttributionOptions.CHAIN_RPC_URL)
        .<ParamsSource>map(
            rpc ->
                new ChainParamsSource(
                    rpc,
                    required(config, AttributionOptions.PROTOCOL_PARAMS),
                    config.get(AttributionOptions.CHAIN_REFRESH).toMillis(),
                    fallback))
        .orElse(ParamsSource.fixed(fallback));
  }

  private static String required(
      Configuration config, org.apache.flink.configuration.ConfigOption<String> option) {
    return config
        .getOptional(option)
        .orElseThrow(() -> new IllegalArgumentException(option.key() + " is required"));
  }
}
