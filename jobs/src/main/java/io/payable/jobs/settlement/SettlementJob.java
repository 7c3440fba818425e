package io.payable.jobs.settlement;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.ProtocolParams;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.common.KafkaLimitOptions;
import io.payable.jobs.common.PlatformOptions;
import io.payable.jobs.common.RecordLimits;
import io.payable.jobs.common.RejectionSinks;
import io.payable.settlement.ConsumerChargeLedger;
import io.payable.settlement.ConsumerFunding;
import io.payable.settlement.DistributorEndpoint;
import io.payable.settlement.EpochRewardRow;
import io.payable.settlement.EpochRewardRows;
import io.payable.settlement.EpochRoot;
import io.payable.settlement.EpochTreeBuilder;
import io.payable.settlement.FundingGate;
import io.payable.settlement.PostingHook;
import io.payable.settlement.RewardDeserializer;
import io.payable.settlement.RewardRecord;
import io.payable.settlement.RewardSplitter;
import io.payable.settlement.RootCommitter;
import io.payable.settlement.RootPostingSink;
import io.payable.settlement.SettlementLedger;
import io.payable.settlement.SettlementSchedule;
import io.payable.settlement.SettlementTables;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.ParameterTool;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;

/**
 * The settlement job: attributed rewards in, cumulative Merkle roots on chain and claimable proofs
 * in Iceberg out.
 *
 * <pre>
 * rewards.attributed (read_committed) -> one credit per payout, event-time watermarks
 *   -> tree builder (keyed state, parallelism 1): per-account epoch and cumulative totals,
 *      epochs closed by event-time timers, StandardMerkleTree over every account's cumulative leaf
 *        |-> epoch_rewards (a row with proof per account and epoch)
 *        '-> funding gate (with chain.consumer-escrow: redeems the epoch's consumer charges from
 *            ConsumerEscrow, then writes consumer_charges; waits while totalFunded is short)
 *            -> RewardDistributor.postRoot (Sink V2 committer, idempotent by epoch) -> settlements
 * </pre>
 *
 * Operator uids are stable so the job upgrades from savepoints.
 */
public final class SettlementJob {

  private SettlementJob() {}

  public static void main(String[] args) throws Exception {
    Configuration config = ParameterTool.fromArgs(args).getConfiguration();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, config);
    env.execute("payable-settlement");
  }

  /** Adds the settlement topology to {@code env}; the caller executes it. */
  public static void build(StreamExecutionEnvironment env, Configuration config) throws Exception {
    build(env, config, PostingHook.NONE);
  }

  /** As {@link #build(StreamExecutionEnvironment, Configuration)}, with a posting hook (tests). */
  public static void build(StreamExecutionEnvironment env, Configuration config, PostingHook hook)
      throws Exception {
    PlatformOptions.validate(config);
    env.enableCheckpointing(config.get(SettlementOptions.CHECKPOINT_INTERVAL).toMillis());
    CatalogLoader catalog = IcebergOptions.catalogLoader(config);
    SettlementTables.ensure(catalog.loadCatalog());

    String rpc =
        required(
            config,
            SettlementOptions.CHAIN_RPC_URL.key(),
            config.get(SettlementOptions.CHAIN_RPC_URL));
    Deployment deployment =
        Deployment.read(
            Path.of(
                required(
                    config,
                    SettlementOptions.DEPLOYMENT.key(),
                    config.get(SettlementOptions.DEPLOYMENT))));
    String settlerKey =
        required(
            config, SettlementOptions.SETTLER_KEY.key(), config.get(SettlementOptions.SETTLER_KEY));
    SettlementSchedule schedule =
        new SettlementSchedule(
            epochLength(config, rpc, deployment).toMillis(),
            config.get(SettlementOptions.ALLOWED_LATENESS).toMillis());
    DistributorEndpoint reader =
        new DistributorEndpoint(
            rpc, deployment.chainId(), deployment.rewardDistributor(), deployment.block(), null);
    DistributorEndpoint settler =
        new DistributorEndpoint(
            rpc,
            deployment.chainId(),
            deployment.rewardDistributor(),
            deployment.block(),
            settlerKey);

    String bootstrap = config.get(SettlementOptions.BOOTSTRAP_SERVERS);
    RecordLimits.check(config, bootstrap, config.get(SettlementOptions.REJECTIONS_TOPIC));
    var sourceBuilder =
        KafkaSource.<RewardRecord>builder()
            .setProperties(PlatformOptions.kafkaClient(config))
            .setTopics(config.get(SettlementOptions.REWARDS_TOPIC))
            .setGroupId(config.get(SettlementOptions.GROUP_ID))
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            .setDeserializer(new RewardDeserializer(KafkaLimitOptions.skipped(config)));
    if (config.get(SettlementOptions.STOP_AT_LATEST)) {
      sourceBuilder.setBounded(OffsetsInitializer.latest());
    }
    WatermarkStrategy<RewardRecord> watermarks =
        WatermarkStrategy.<RewardRecord>forBoundedOutOfOrderness(
                config.get(SettlementOptions.MAX_OUT_OF_ORDERNESS))
            .withTimestampAssigner((record, previous) -> record.eventTime());
    if (!config.get(SettlementOptions.STOP_AT_LATEST)) {
      // Not on a bounded input: a source subtask that finishes early (no partition, or an empty
      // one) sends the final watermark, and while another subtask counted as idle the tree
      // builder would take it, closing every epoch before that subtask's rewards arrive. A
      // bounded input needs no idleness: every subtask finishes.
      watermarks = watermarks.withIdleness(config.get(SettlementOptions.SOURCE_IDLE_TIMEOUT));
    }

    String consumerEscrow = config.get(SettlementOptions.CONSUMER_ESCROW);
    if (consumerEscrow != null && consumerEscrow.isBlank()) {
      consumerEscrow = null;
    }
    if (consumerEscrow != null && !WalletUtils.isValidAddress(consumerEscrow)) {
      throw new IllegalArgumentException(
          SettlementOptions.CONSUMER_ESCROW.key() + " is not an address: " + consumerEscrow);
    }
    ConsumerFunding funding =
        consumerEscrow == null
            ? null
            : new ConsumerFunding(
                consumerEscrow,
                deployment.openToken(),
                settlerKey,
                new ConsumerChargeLedger(catalog));

    SingleOutputStreamOperator<RewardRecord> credits =
        env.fromSource(sourceBuilder.build(), watermarks, "rewards.attributed")
            .uid("settlement-source")
            .process(new RewardSplitter())
            .uid("settlement-decode")
            .name("credits");

    // A reward record that credits nobody is kept, like every other job's rejections.
    DataStream<Rejection> rejections = credits.getSideOutput(Rejections.TAG);
    RejectionSinks.write(
        rejections,
        catalog,
        bootstrap,
        config,
        new RejectionSinks.Target(
            SettlementTables.REJECTIONS,
            "reward-rejections-table",
            config.get(SettlementOptions.REJECTIONS_TOPIC),
            config
                .getOptional(SettlementOptions.TRANSACTIONAL_ID_PREFIX)
                .orElse(config.get(SettlementOptions.GROUP_ID)),
            "reward-rejections-topic",
            "rewards.rejections"));

    SingleOutputStreamOperator<EpochRoot> roots =
        credits
            .keyBy(c -> 0, Types.INT)
            .process(
                new EpochTreeBuilder(
                    schedule, deployment.rewardDistributor(), consumerEscrow, deployment.chainId()))
            .returns(EpochRoot.class)
            .setParallelism(1)
            .setMaxParallelism(1)
            .uid("settlement-tree")
            .name("epoch totals and Merkle tree");

    DataStream<EpochRewardRow> rows = roots.getSideOutput(EpochTreeBuilder.ROWS);
    FlinkSink.forRowData(
            rows.map(new EpochRewardRows())
                .returns(RowData.class)
                .setParallelism(1)
                .uid("epoch-reward-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, SettlementTables.EPOCH_REWARDS))
        .uidPrefix("epoch-rewards-table")
        .writeParallelism(1)
        .append();

    // The gate (its redeem transactions) and the root committer (postRoot) sign with the same
    // SETTLER key; chained in one task at parallelism 1, they never race for a nonce.
    roots
        .keyBy(r -> 0, Types.INT)
        .process(
            new FundingGate(
                reader,
                config.get(SettlementOptions.FUNDING_POLL_INTERVAL).toMillis(),
                funding,
                hook))
        .returns(EpochRoot.class)
        .setParallelism(1)
        .setMaxParallelism(1)
        .uid("settlement-funding-gate")
        .name("funding gate")
        .sinkTo(
            new RootPostingSink(
                settler,
                new SettlementLedger(catalog),
                new RootCommitter.Settings(
                    config.get(SettlementOptions.POST_MAX_ATTEMPTS),
                    config.get(SettlementOptions.POST_RETRY_PAUSE).toMillis(),
                    config.get(SettlementOptions.RECEIPT_TIMEOUT).toMillis()),
                hook))
        .setParallelism(1)
        .uid("settlement-roots")
        .name("RewardDistributor.postRoot");
  }

  /** The configured epoch length, else ProtocolParams.epochLength(). */
  private static Duration epochLength(Configuration config, String rpc, Deployment deployment)
      throws Exception {
    var configured = config.getOptional(SettlementOptions.EPOCH_LENGTH);
    if (configured.isPresent()) {
      return configured.get();
    }
    Web3j web3j = Web3j.build(new HttpService(rpc));
    try {
      ChainClient chain = new ChainClient(web3j, deployment.chainId());
      ProtocolParams params =
          ProtocolParams.load(
              deployment.protocolParams(),
              web3j,
              new ReadonlyTransactionManager(web3j, deployment.protocolParams()),
              chain.gasProvider());
      return Duration.ofSeconds(ProtocolParameters.read(params).epochLengthSeconds());
    } finally {
      web3j.shutdown();
    }
  }

  private static String required(Configuration config, String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " is required");
    }
    return value;
  }
}
