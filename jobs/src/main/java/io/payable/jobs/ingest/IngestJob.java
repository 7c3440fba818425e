package io.payable.jobs.ingest;

import io.payable.ingest.record.AcceptedContribution;
import io.payable.ingest.record.CheckedSubmission;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.sink.IngestRows;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.sink.RejectionJson;
import io.payable.ingest.validate.ContentGuard;
import io.payable.ingest.validate.NonceGuard;
import io.payable.ingest.validate.Rejections;
import io.payable.ingest.validate.StaticDatanetDirectory;
import io.payable.ingest.validate.SubmissionValidator;
import io.payable.jobs.common.IcebergOptions;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
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
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The ingest job: signed submissions in, validated contributions and reasoned rejections out.
 *
 * <pre>
 * datanet.submissions -> validate (format, Datanet, signature)
 *   -> keyBy contributor: nonce guard -> keyBy Datanet: content guard -> datanet_contributions
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
    env.enableCheckpointing(config.get(IngestOptions.CHECKPOINT_INTERVAL).toMillis());
    CatalogLoader catalog = IcebergOptions.catalogLoader(config);
    IngestTables.ensure(catalog.loadCatalog());

    String bootstrap = config.get(IngestOptions.BOOTSTRAP_SERVERS);
    var sourceBuilder =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(config.get(IngestOptions.SUBMISSIONS_TOPIC))
            .setGroupId(config.get(IngestOptions.GROUP_ID))
            .setStartingOffsets(
                OffsetsInitializer.committedOffsets(
                    org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
            .setDeserializer(new RawRecordDeserializer());
    if (config.get(IngestOptions.STOP_AT_LATEST)) {
      sourceBuilder.setBounded(OffsetsInitializer.latest());
    }
    KafkaSource<RawRecord> source = sourceBuilder.build();

    SingleOutputStreamOperator<CheckedSubmission> checked =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "submissions")
            .uid("ingest-source")
            .process(
                new SubmissionValidator(
                    config.get(IngestOptions.MAX_SUBMISSION_BYTES),
                    config.get(IngestOptions.CHAIN_ID),
                    config.get(IngestOptions.DATANET_REGISTRY),
                    new StaticDatanetDirectory(
                        IngestOptions.datanets(config.get(IngestOptions.DATANETS)))))
            .uid("ingest-validate")
            .name("validate submissions");

    SingleOutputStreamOperator<CheckedSubmission> fresh =
        checked
            .keyBy(CheckedSubmission::contributor)
            .process(new NonceGuard())
            .uid("ingest-nonce")
            .name("nonce guard");

    SingleOutputStreamOperator<AcceptedContribution> accepted =
        fresh
            .keyBy(CheckedSubmission::datanetId)
            .process(
                new ContentGuard(
                    config.get(IngestOptions.TOKENIZER), config.get(IngestOptions.MIN_TOKENS)))
            .uid("ingest-content")
            .name("content guard");

    DataStream<Rejection> rejections =
        checked
            .getSideOutput(Rejections.TAG)
            .union(fresh.getSideOutput(Rejections.TAG), accepted.getSideOutput(Rejections.TAG));

    FlinkSink.forRowData(
            accepted.map(IngestRows::contribution).returns(RowData.class).uid("contribution-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, IngestTables.CONTRIBUTIONS))
        .uidPrefix("contributions-table")
        .append();

    FlinkSink.forRowData(
            rejections.map(IngestRows::rejection).returns(RowData.class).uid("rejection-rows"))
        .tableLoader(TableLoader.fromCatalog(catalog, IngestTables.REJECTIONS))
        .uidPrefix("rejections-table")
        .append();

    Properties producer = new Properties();
    producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
    rejections
        .sinkTo(
            KafkaSink.<Rejection>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(IngestOptions.TRANSACTIONAL_ID_PREFIX))
                .setRecordSerializer(
                    KafkaRecordSerializationSchema.<Rejection>builder()
                        .setTopic(config.get(IngestOptions.REJECTIONS_TOPIC))
                        .setValueSerializationSchema(new RejectionJson())
                        .build())
                .build())
        .uid("rejections-topic")
        .name("datanet.rejections");
  }
}
