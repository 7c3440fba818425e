package io.payable.jobs.attribution;

import static io.payable.jobs.attribution.AttributionFixtures.D1;
import static io.payable.jobs.attribution.AttributionFixtures.OWNER;
import static io.payable.jobs.attribution.AttributionFixtures.TREASURY_1;
import static io.payable.jobs.attribution.AttributionFixtures.WORKER;
import static io.payable.jobs.attribution.AttributionFixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.gradient.InfluenceStoreEvent;
import io.payable.attribution.sink.AttributionTables;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.factory.chain.DatanetGate;
import io.payable.factory.run.AdapterTrainer;
import io.payable.factory.run.ModelFactory;
import io.payable.factory.run.RunListener;
import io.payable.factory.run.TrainingOutcome;
import io.payable.factory.run.TrainingSpec;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.testing.PlatformIo;
import io.payable.jobs.testing.TestClusters;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.metering.MemoryEventSink;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.WorkerConfig;
import io.payable.models.SyntheticCheckpoints;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.QuerySketch;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attribution v2 end to end: ModelFactory trains a {@code gradient} adapter on two contributors'
 * texts of different sources, the worker serves it and signs query sketches into its events, the
 * attribution job scores them against the adapter's influence store (announced on the influence
 * manifest) and credits the contributor whose source the prompt came from; a forged sketch is
 * caught by the audit (rate 100%) and rejected {@code sketch_mismatch}.
 */
class GradientAttributionITCase {
  private static final Logger LOG = LoggerFactory.getLogger(GradientAttributionITCase.class);

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  @RegisterExtension static final MiniClusterExtension FLINK = TestClusters.failingFast();

  static final String SEA = "0x" + "5e".repeat(20);
  static final String LAW = "0x" + "1a".repeat(20);
  static final String ADAPTER = "sea-law";

  @Test
  void gradientEventsCreditTheSourceOfTheirPromptAndForgedSketchesAreCaught(
      @TempDir Path dir, @TempDir Path cache) throws Exception {
    Path base = dir.resolve("base");
    SyntheticCheckpoints.writeBase(
        base,
        new SyntheticCheckpoints.Spec(SyntheticCheckpoints.TOKENIZER_VOCAB, 32, 64, 2, 4, 2, 128),
        1);
    appendContributions(
        List.of(
            // Two sources in disjoint alphabets, so that a tiny model learns in a few steps which
            // bytes follow which and the two sources' gradients differ.
            new String[] {"0x01", SEA, "aeo sea oae aseo eas soa aoe sae oas eao sao "},
            new String[] {"0x02", SEA, "sea aeo oas eas aoe sae soa aseo eao oae sao "},
            new String[] {"0x03", LAW, "kzx lux zkl xul klz uxk lzu zxk ukl xzl kux "},
            new String[] {"0x04", LAW, "lux kzx ukl xzl zkl kux uxk klz lzu zxk xul "}));
    TrainingOutcome trained =
        new ModelFactory(
                WAREHOUSE.warehouse().catalog(),
                dir.resolve("runs"),
                AdapterTrainer.lora(),
                DatanetGate.none(),
                Optional.empty())
            .train(
                TrainingSpec.builder()
                    .base(base)
                    .datanets(List.of(D1))
                    .name(ADAPTER)
                    .rank(4)
                    .steps(60)
                    .lr(1e-2)
                    .batch(2)
                    .seqLen(32)
                    .seed(3L)
                    .evalFraction(0.0)
                    .attribution("gradient")
                    .build()
                    .toRequest(),
                RunListener.none(),
                () -> false);
    Path runDir = trained.adapterDir().getParent();
    var store = trained.manifest().influenceStore();

    // The worker serves the trained adapter (from its run directory) and signs the query sketch
    // of each output.
    Path adapters = runDir;
    MemoryEventSink sink = new MemoryEventSink();
    InferenceEvent sea;
    InferenceEvent law;
    try (LoraWorker worker =
        new LoraWorker(
            WorkerConfig.builder()
                .baseDir(base)
                .adaptersDir(adapters)
                .deviceSlots(1)
                .cpuAdapters(2)
                .maxRank(8)
                .scheduler(SchedulerConfig.builder().maxRunning(2).maxAdaptersPerStep(1).build())
                .defaultPriceWei(BigInteger.valueOf(1_000_003))
                .servedModelName("tiny-base")
                .build(),
            WORKER,
            sink)) {
      worker.register(ADAPTER, trained.adapterDir());
      sea =
          worker
              .complete(ADAPTER, "aeo sea oae ", 12, 0, 1, "c")
              .get(120, TimeUnit.SECONDS)
              .event();
      law =
          worker
              .complete(ADAPTER, "kzx lux zkl ", 12, 0, 1, "c")
              .get(120, TimeUnit.SECONDS)
              .event();
    }
    LOG.info("outputs: sea {} | law {}", sea.outputText(), law.outputText());
    assertThat(sea.querySketch()).isNotNull();
    assertThat(law.querySketch()).isNotNull();
    // A forger signs the sea output with the sketch of the law output.
    InferenceEvent forged =
        withId(sea, "forged")
            .withQuerySketch(
                QuerySketch.ofBytes(law.querySketch().bytes(), sea.querySketch().promptTokens()));
    InferenceEvent unsketched = withId(law, "unsketched").withQuerySketch(null);

    String prefix = "grad.";
    KAFKA.createTopics(
        1,
        prefix + "inference.events",
        prefix + "inference.rejections",
        prefix + "rewards.attributed",
        prefix + "index.manifest",
        prefix + "influence.manifest");
    PlatformIo.produce(
        KAFKA.kafka(),
        prefix + "influence.manifest",
        List.of(
            new InfluenceStoreEvent(
                    ADAPTER,
                    runDir.resolve(store.file()).toString(),
                    store.sha256(),
                    trained.adapterDir().toString(),
                    base.toString())
                .toJson()));
    PlatformIo.produce(
        KAFKA.kafka(),
        prefix + "inference.events",
        List.of(signed(List.of(sea, law, forged, unsketched))));

    Configuration config =
        AttributionJobITCase.config(
            KAFKA.bootstrapServers(), WAREHOUSE.warehouse().location(), prefix, cache);
    config.set(
        AttributionOptions.ADAPTERS, List.of(ADAPTER + "|" + OWNER + "|" + D1 + "|gradient"));
    config.set(AttributionOptions.DATANET_TREASURIES, Map.of(D1, TREASURY_1));
    config.set(AttributionOptions.INFLUENCE_MANIFEST_TOPIC, prefix + "influence.manifest");
    config.set(AttributionOptions.SKETCH_AUDIT_BPS, 10_000);
    config.set(AttributionOptions.THRESHOLD_BPS, 0);
    config.set(AttributionOptions.STOP_AT_LATEST, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    AttributionJob.build(env, config);
    env.execute("gradient-attribution-it");

    Map<String, List<Record>> byEvent =
        PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.ATTRIBUTIONS).stream()
            .collect(Collectors.groupingBy(r -> (String) r.getField("event_id")));
    assertThat(byEvent.keySet()).containsExactlyInAnyOrder(sea.eventId(), law.eventId());
    for (InferenceEvent e : List.of(sea, law)) {
      List<Record> rows = byEvent.get(e.eventId());
      assertThat(rows).allSatisfy(r -> assertThat(r.getField("method")).isEqualTo("gradient"));
      assertThat(
              rows.stream()
                  .map(r -> (BigDecimal) r.getField("amount_wei"))
                  .reduce(BigDecimal.ZERO, BigDecimal::add))
          .isEqualByComparingTo(new BigDecimal(e.feeWei()));
    }
    assertThat(topContributor(byEvent.get(sea.eventId()))).isEqualTo(SEA);
    assertThat(topContributor(byEvent.get(law.eventId()))).isEqualTo(LAW);

    List<Record> influences = PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.INFLUENCES);
    assertThat(influences)
        .anySatisfy(
            r -> {
              assertThat(r.getField("event_id")).isEqualTo(sea.eventId());
              assertThat(r.getField("rank")).isEqualTo(0);
              assertThat((Double) r.getField("score")).isPositive();
            });

    Map<String, String> rejected =
        PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.REJECTIONS).stream()
            .collect(
                Collectors.toMap(
                    r -> ((String) r.getField("detail")).replaceAll("^event ([^:]+): .*$", "$1"),
                    r -> (String) r.getField("reason")));
    assertThat(rejected)
        .containsEntry("forged", "sketch_mismatch")
        .containsEntry("unsketched", "missing_sketch")
        .hasSize(2);
  }

  /** The contributor with the largest contributor payout. */
  private static String topContributor(List<Record> rows) {
    return rows.stream()
        .filter(r -> "contributor".equals(r.getField("role")))
        .max(java.util.Comparator.comparing(r -> (BigDecimal) r.getField("amount_wei")))
        .map(r -> (String) r.getField("recipient"))
        .orElse("none");
  }

  private static InferenceEvent withId(InferenceEvent e, String id) {
    return new InferenceEvent(
        id,
        e.workerId(),
        e.modelId(),
        e.adapterId(),
        e.adapterVersion(),
        e.consumer(),
        e.feeWei(),
        e.priceBasis(),
        e.priceWei(),
        e.outputText(),
        e.promptTokens(),
        e.outputTokens(),
        e.requestTime(),
        e.firstTokenTime(),
        e.doneTime(),
        e.voucher(),
        e.querySketch());
  }

  /** Contributions as the ingest job writes them to {@code datanet_contributions}. */
  private static void appendContributions(List<String[]> rows) throws Exception {
    var catalog = WAREHOUSE.warehouse().catalog();
    IngestTables.ensure(catalog);
    Table t = catalog.loadTable(IngestTables.CONTRIBUTIONS);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    List<Record> records = new ArrayList<>();
    for (String[] r : rows) {
      // Each text three times: enough for a tiny model to learn which continuation goes where.
      String content = r[2].repeat(3);
      GenericRecord g = GenericRecord.create(t.schema());
      g.setField("contribution_id", r[0]);
      g.setField("datanet_id", D1);
      g.setField("contributor", r[1]);
      g.setField("content_hash", "0x" + r[0].substring(2).repeat(32));
      g.setField("token_count", content.length());
      g.setField("byte_count", content.length());
      g.setField("nonce", "1");
      g.setField("submitted_at", now);
      g.setField("accepted_at", now);
      g.setField("content", content);
      records.add(g);
    }
    // Partitioned by datanet_id; every row is of D1.
    org.apache.iceberg.PartitionKey key = new org.apache.iceberg.PartitionKey(t.spec(), t.schema());
    key.partition(
        new org.apache.iceberg.data.InternalRecordWrapper(t.schema().asStruct())
            .wrap(records.get(0)));
    DataWriter<Record> w =
        new org.apache.iceberg.data.GenericAppenderFactory(t.schema(), t.spec())
            .newDataWriter(
                org.apache.iceberg.encryption.EncryptedFiles.plainAsEncryptedOutput(
                    t.io()
                        .newOutputFile(
                            t.locationProvider()
                                .newDataLocation(t.spec(), key, "contributions.parquet"))),
                org.apache.iceberg.FileFormat.PARQUET,
                key);
    try (w) {
      records.forEach(w::write);
    }
    t.newAppend().appendFile(w.toDataFile()).commit();
  }
}
