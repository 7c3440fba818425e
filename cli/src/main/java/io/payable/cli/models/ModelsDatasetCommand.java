package io.payable.cli.models;

import io.payable.factory.FactoryException;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.factory.dataset.DatasetBuilder;
import io.payable.factory.dataset.DatasetHeader;
import io.payable.factory.dataset.SnapshotPin;
import io.payable.factory.dataset.TrainingDataset;
import io.payable.factory.dataset.TrainingShards;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.dataset.DatasetJob;
import io.payable.jobs.dataset.DatasetOptions;
import io.payable.models.InvalidModelException;
import io.payable.models.text.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable models dataset}: builds a run's dataset (training shards) from Datanets at a
 * pinned snapshot with the dataset job (Flink, BATCH mode) on a local Flink environment, or in this
 * process with {@code --in-process}; {@code payable models train --dataset DIR} trains on it. On a
 * Flink cluster the same job runs from the job jar ({@code io.payable.jobs.dataset.DatasetJob},
 * docs/model-factory.md).
 */
@Command(
    name = "dataset",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Build a training dataset (training shards) from Datanets at a pinned snapshot, as a Flink"
            + " batch job; train on it with 'models train --dataset DIR'.")
public final class ModelsDatasetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--base",
      required = true,
      description = "Base model directory whose tokenizer tokenises the contributions.")
  Path base;

  @Option(
      names = "--datanet",
      required = true,
      arity = "1..*",
      description = "Datanet id(s), 0x + 64 hex digits; repeat or list several.")
  List<String> datanets;

  @Option(names = "--out", required = true, description = "Directory the dataset is written to.")
  Path out;

  @Option(names = "--seq-len", description = "Tokens per packed sequence (default 512).")
  Integer seqLen;

  @Option(names = "--eval-fraction", description = "Share of contributions held out (default 0.1).")
  Double evalFraction;

  @Option(names = "--seed", description = "Seed of the eval split (default 42).")
  Long seed;

  @Option(names = "--sequences-per-shard", description = "Sequences per shard file (default 4096).")
  Integer sequencesPerShard;

  @Option(
      names = "--snapshot",
      description = "Snapshot id of datanet_contributions to read (default: the current one).")
  Long snapshot;

  @Option(
      names = "--events-snapshot",
      description = "Snapshot id of contribution_events to read (default: the current one).")
  Long eventsSnapshot;

  @Option(
      names = "--parallelism",
      description = "Parallelism of the local Flink job (default: the machine's cores).")
  Integer parallelism;

  @Option(
      names = "--in-process",
      description = "Build in this process without Flink (the same shards, for small Datanets).")
  boolean inProcess;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Mixin WarehouseOptions warehouse;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Configuration config = new Configuration();
    config.set(IcebergOptions.WAREHOUSE, warehouse.warehouse);
    config.set(DatasetOptions.BASE_DIR, base.toAbsolutePath().toString());
    config.set(DatasetOptions.OUTPUT_DIR, out.toAbsolutePath().toUri().toString());
    config.set(DatasetOptions.DATANETS, datanets);
    Optional.ofNullable(seqLen).ifPresent(v -> config.set(DatasetOptions.SEQ_LEN, v));
    Optional.ofNullable(evalFraction).ifPresent(v -> config.set(DatasetOptions.EVAL_FRACTION, v));
    Optional.ofNullable(seed).ifPresent(v -> config.set(DatasetOptions.SEED, v));
    Optional.ofNullable(sequencesPerShard)
        .ifPresent(v -> config.set(DatasetOptions.SEQUENCES_PER_SHARD, v));
    Optional.ofNullable(snapshot)
        .ifPresent(v -> config.set(DatasetOptions.CONTRIBUTIONS_SNAPSHOT, v));
    Optional.ofNullable(eventsSnapshot)
        .ifPresent(v -> config.set(DatasetOptions.EVENTS_SNAPSHOT, v));
    try {
      DatasetHeader header;
      Map<String, TrainingShards.SplitTotals> totals;
      long excluded;
      if (inProcess) {
        header = buildInProcess(config);
        TrainingShards.BuiltDataset built = TrainingShards.read(out);
        TrainingDataset d = built.dataset();
        totals =
            Map.of(
                TrainingShards.TRAIN,
                new TrainingShards.SplitTotals(
                    d.train().size(), d.trainSequences().size(), d.trainTokens(), 0),
                TrainingShards.EVAL,
                new TrainingShards.SplitTotals(
                    d.eval().size(),
                    d.evalSequences().size(),
                    d.evalSequences().stream().mapToLong(s -> s.length()).sum(),
                    0));
        excluded = d.source().excluded().size();
      } else {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism != null) {
          env.setParallelism(parallelism);
        }
        DatasetJob.Result r = DatasetJob.run(env, config);
        header = r.header();
        totals = r.totals();
        excluded = r.excluded();
      }
      stdout.println("dataset   " + out.toAbsolutePath());
      stdout.println(
          "snapshot  "
              + IngestTables.CONTRIBUTIONS
              + "@"
              + header.contributionsSnapshotId()
              + ", "
              + ContributionSnapshots.EVENTS
              + (header.eventsSnapshotId() == null ? " (none)" : "@" + header.eventsSnapshotId()));
      for (String split : TrainingShards.SPLITS) {
        TrainingShards.SplitTotals t = totals.get(split);
        stdout.printf(
            "%-9s %d contributions, %d sequences, %d tokens%n",
            split, t.contributions(), t.sequences(), t.tokens());
      }
      stdout.println("excluded  " + excluded);
      stdout.println(
          "train on it: payable models train --dataset "
              + out
              + " --seq-len "
              + header.seqLen()
              + " --eval-fraction "
              + header.evalFraction()
              + " --seed "
              + header.seed()
              + " ...");
      stdout.flush();
      return 0;
    } catch (FactoryException e) {
      err.println("error: " + e.getMessage() + " [" + e.reason() + "]");
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    }
  }

  /** The in-process build: the same rule, packer and format, written by this JVM. */
  private DatasetHeader buildInProcess(Configuration config) throws Exception {
    Catalog catalog = warehouse.catalog();
    List<String> ids = datanets.stream().map(ContributionSnapshots::normalise).distinct().toList();
    ContributionSnapshots snapshots = new ContributionSnapshots(catalog);
    ContributionSnapshots.Pins current = snapshots.current();
    ContributionSnapshots.Pins pins =
        new ContributionSnapshots.Pins(
            snapshot == null
                ? current.contributions()
                : new SnapshotPin(IngestTables.CONTRIBUTIONS.toString(), snapshot),
            eventsSnapshot == null
                ? current.events()
                : Optional.of(
                    new SnapshotPin(ContributionSnapshots.EVENTS.toString(), eventsSnapshot)));
    DatasetHeader header =
        new DatasetHeader(
            ids,
            pins.contributions().snapshotId(),
            pins.events().map(SnapshotPin::snapshotId).orElse(null),
            config.get(DatasetOptions.SEQ_LEN),
            config.get(DatasetOptions.EVAL_FRACTION),
            config.get(DatasetOptions.SEED),
            DatasetHeader.tokenizerDigest(base),
            config.get(DatasetOptions.SEQUENCES_PER_SHARD));
    TrainingDataset dataset;
    try (TextTokenizer tokenizer = TextTokenizer.load(base)) {
      dataset =
          new DatasetBuilder(
                  ContributionTokenizer.of(tokenizer),
                  header.seqLen(),
                  header.evalFraction(),
                  header.seed())
              .build(snapshots.read(ids, pins));
    } catch (InvalidModelException e) {
      throw new FactoryException("unloadable_base", "base model: " + e.getMessage(), e);
    }
    TrainingShards.write(out, header, dataset);
    return header;
  }
}
