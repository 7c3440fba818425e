package io.payable.jobs.dataset;

import io.payable.factory.FactoryException;
import io.payable.factory.dataset.Contribution;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.DatasetEntry;
import io.payable.factory.dataset.DatasetHeader;
import io.payable.factory.dataset.DatasetPart;
import io.payable.factory.dataset.SequencePiece;
import io.payable.factory.dataset.SnapshotPin;
import io.payable.factory.dataset.TokenizedContribution;
import io.payable.factory.dataset.TrainingShards;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.common.IcebergOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.GlobalWindows;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ParameterTool;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.source.IcebergSource;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset job: the Flink batch build of a ModelFactory dataset, for Datanets that outgrow one
 * machine. It applies the same rule and the same pure functions as the in-process build ({@code
 * io.payable.factory.dataset}) and writes the same training shards, byte for byte.
 *
 * <pre>
 * datanet_contributions @ pinned snapshot (Iceberg FlinkSource, filtered to the Datanets)
 *   -> screen (excluding events at their pin, no content)   excluded ----------------.
 *   -> tokenise (parallel) --- token counts -> planner (parallelism 1: eval split,  <-'
 *                          |                   PackingPlan, contributions.jsonl)
 *                          '-- tokens --. .-- placements
 *                                keyBy contribution: cut pieces (parallel)
 *                                keyBy shard: assemble + write shard files (parallel)
 *   client: dataset.json from every written part, last
 * </pre>
 *
 * It runs in BATCH execution mode: every step sees all of its input (end-of-stream windows), no
 * checkpoints; a failed task reruns and overwrites its files with the same bytes.
 */
public final class DatasetJob {

  private static final Logger LOG = LoggerFactory.getLogger(DatasetJob.class);

  /** The columns the build reads ({@code content} absent from tables made before it existed). */
  private static final List<String> READ =
      List.of("contribution_id", "datanet_id", "contributor", "content_hash", "content");

  private DatasetJob() {}

  public static void main(String[] args) throws Exception {
    Configuration config = ParameterTool.fromArgs(args).getConfiguration();
    Result r = run(StreamExecutionEnvironment.getExecutionEnvironment(), config);
    LOG.info(
        "Dataset written to {}: {} training and {} eval sequences",
        r.outputDir(),
        r.totals().get(TrainingShards.TRAIN).sequences(),
        r.totals().get(TrainingShards.EVAL).sequences());
  }

  /** What a build wrote. */
  public record Result(
      String outputDir,
      DatasetHeader header,
      Map<String, TrainingShards.SplitTotals> totals,
      long excluded) {}

  /** What the client decides before the job runs: pins, exclusions, columns. */
  record Plan(
      DatasetHeader header,
      String baseDir,
      String outputDir,
      CatalogLoader catalog,
      Map<String, String> excludedBy,
      Schema projection,
      ContributionScreen.Columns columns) {}

  /**
   * Builds the dataset {@code config} describes on {@code env} (in BATCH mode) and writes {@code
   * dataset.json} once every shard is written. Throws {@link FactoryException} for what the user
   * can fix (unknown snapshot, empty dataset, an existing dataset).
   */
  public static Result run(StreamExecutionEnvironment env, Configuration config) throws Exception {
    Plan plan = plan(config);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    DataStream<DatasetPart> parts = build(env, plan);
    List<DatasetPart> written = new ArrayList<>();
    try (CloseableIterator<DatasetPart> it = parts.collectAsync()) {
      JobClient client = env.executeAsync("payable-dataset");
      it.forEachRemaining(written::add);
      client.getJobExecutionResult().get();
    }
    Map<String, TrainingShards.SplitTotals> totals = TrainingShards.totals(written);
    long excluded = written.stream().mapToLong(DatasetPart::excluded).sum();
    if (totals.get(TrainingShards.TRAIN).sequences() == 0) {
      throw new FactoryException(
          "empty_dataset",
          "no training sequence from "
              + String.join(", ", plan.header().datanetIds())
              + " at snapshot "
              + plan.header().contributionsSnapshotId()
              + " ("
              + excluded
              + " excluded)");
    }
    DatasetFiles.publish(
        plan.outputDir(),
        TrainingShards.HEADER,
        TrainingShards.encodeHeader(plan.header(), written));
    return new Result(plan.outputDir(), plan.header(), totals, excluded);
  }

  static Plan plan(Configuration config) throws Exception {
    String base =
        required(config, DatasetOptions.BASE_DIR.key(), config.get(DatasetOptions.BASE_DIR));
    String out =
        required(config, DatasetOptions.OUTPUT_DIR.key(), config.get(DatasetOptions.OUTPUT_DIR));
    List<String> given = config.getOptional(DatasetOptions.DATANETS).orElse(List.of());
    if (given.isEmpty()) {
      throw new FactoryException(
          "no_datanet", "name at least one Datanet (" + DatasetOptions.DATANETS.key() + ")");
    }
    List<String> datanets =
        given.stream().map(ContributionSnapshots::normalise).distinct().toList();
    if (DatasetFiles.exists(out, TrainingShards.HEADER)) {
      throw new FactoryException("dataset_exists", out + " already holds a dataset");
    }
    CatalogLoader loader = IcebergOptions.catalogLoader(config);
    Catalog catalog = loader.loadCatalog();
    ContributionSnapshots snapshots = new ContributionSnapshots(catalog);
    ContributionSnapshots.Pins current = snapshots.current();
    long contributions =
        config
            .getOptional(DatasetOptions.CONTRIBUTIONS_SNAPSHOT)
            .orElse(current.contributions().snapshotId());
    Optional<SnapshotPin> events =
        config
            .getOptional(DatasetOptions.EVENTS_SNAPSHOT)
            .map(id -> new SnapshotPin(ContributionSnapshots.EVENTS.toString(), id))
            .or(current::events);
    Table table = catalog.loadTable(IngestTables.CONTRIBUTIONS);
    if (table.snapshot(contributions) == null) {
      throw new FactoryException(
          "unknown_snapshot",
          IngestTables.CONTRIBUTIONS + " has no snapshot " + contributions + " (expired?)");
    }
    Map<String, String> excludedBy = snapshots.excludingEvents(datanets, events);
    DatasetHeader header =
        new DatasetHeader(
            datanets,
            contributions,
            events.map(SnapshotPin::snapshotId).orElse(null),
            config.get(DatasetOptions.SEQ_LEN),
            config.get(DatasetOptions.EVAL_FRACTION),
            config.get(DatasetOptions.SEED),
            DatasetHeader.tokenizerDigest(Path.of(base)),
            config.get(DatasetOptions.SEQUENCES_PER_SHARD));
    Schema projection =
        table
            .schema()
            .select(READ.stream().filter(n -> table.schema().findField(n) != null).toList());
    return new Plan(header, base, out, loader, excludedBy, projection, columns(projection));
  }

  /** The dataset topology on {@code env}: the stream of every part written. */
  static DataStream<DatasetPart> build(StreamExecutionEnvironment env, Plan plan) {
    DatasetHeader header = plan.header();
    DataStream<RowData> rows =
        IcebergSource.forRowData()
            .tableLoader(TableLoader.fromCatalog(plan.catalog(), IngestTables.CONTRIBUTIONS))
            .useSnapshotId(header.contributionsSnapshotId())
            .project(plan.projection())
            .filters(List.of(Expressions.in("datanet_id", header.datanetIds().toArray())))
            .streaming(false)
            .buildStream(env);
    SingleOutputStreamOperator<Contribution> live =
        rows.process(
                new ContributionScreen(
                    new HashSet<>(header.datanetIds()), plan.excludedBy(), plan.columns()))
            .name("dataset rule");
    SingleOutputStreamOperator<TokenizedContribution> tokenized =
        live.map(new Tokenise(plan.baseDir())).name("tokenise");

    DataStream<DatasetEntry> counts =
        tokenized
            .map(t -> DatasetEntry.live(t.contribution(), t.length(), ""))
            .returns(DatasetEntry.class)
            .name("token counts");
    SingleOutputStreamOperator<PieceSource> placements =
        counts
            .union(live.getSideOutput(ContributionScreen.EXCLUDED))
            .windowAll(GlobalWindows.createWithEndOfStreamTrigger())
            .process(new PackingPlanner(header, plan.outputDir()))
            .name("split and plan")
            .setParallelism(1);

    DataStream<SequencePiece> pieces =
        tokenized
            .map(t -> PieceSource.tokens(t.contribution().contributionId(), t.tokens()))
            .returns(PieceSource.class)
            .name("tokens")
            .union(placements)
            .keyBy(PieceSource::contributionId)
            .window(GlobalWindows.createWithEndOfStreamTrigger())
            .process(new PieceCutter(header.seqLen()))
            .name("cut pieces");
    int perShard = header.sequencesPerShard();
    DataStream<DatasetPart> shards =
        pieces
            .keyBy(p -> ShardWriter.key(p, perShard))
            .window(GlobalWindows.createWithEndOfStreamTrigger())
            .process(new ShardWriter(perShard, plan.outputDir()))
            .name("write shards");
    return shards.union(placements.getSideOutput(PackingPlanner.PARTS));
  }

  private static ContributionScreen.Columns columns(Schema schema) {
    List<Types.NestedField> fields = schema.columns();
    return new ContributionScreen.Columns(
        position(fields, "contribution_id"),
        position(fields, "datanet_id"),
        position(fields, "contributor"),
        position(fields, "content_hash"),
        position(fields, "content"));
  }

  private static int position(List<Types.NestedField> fields, String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        return i;
      }
    }
    if (name.equals("content")) {
      return -1;
    }
    throw new IllegalStateException(IngestTables.CONTRIBUTIONS + " has no column " + name);
  }

  private static String required(Configuration config, String key, String value) {
    if (value == null || value.isBlank()) {
      throw new FactoryException("bad_option", key + " is required");
    }
    return value;
  }
}
