package io.payable.jobs.dataset;

import io.payable.factory.dataset.TrainingShards;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options of the dataset job (the Flink batch build of a ModelFactory dataset). */
public final class DatasetOptions {

  public static final ConfigOption<String> BASE_DIR =
      ConfigOptions.key("dataset.base-dir")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Base model directory (Hugging Face layout) whose tokenizer.json tokenises the"
                  + " contributions; every TaskManager must read it at this path.");

  public static final ConfigOption<List<String>> DATANETS =
      ConfigOptions.key("dataset.datanets")
          .stringType()
          .asList()
          .noDefaultValue()
          .withDescription("Datanet ids (0x + 64 hex digits), separated by ';'.");

  public static final ConfigOption<String> OUTPUT_DIR =
      ConfigOptions.key("dataset.output-dir")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Directory (a Flink file system URI every TaskManager can write) the training"
                  + " shards go to; it must not hold a dataset yet.");

  public static final ConfigOption<Integer> SEQ_LEN =
      ConfigOptions.key("dataset.seq-len")
          .intType()
          .defaultValue(512)
          .withDescription("Tokens per packed sequence (the run's --seq-len).");

  public static final ConfigOption<Double> EVAL_FRACTION =
      ConfigOptions.key("dataset.eval-fraction")
          .doubleType()
          .defaultValue(0.1)
          .withDescription("Share of contributions held out for the eval split, [0, 1).");

  public static final ConfigOption<Long> SEED =
      ConfigOptions.key("dataset.seed")
          .longType()
          .defaultValue(42L)
          .withDescription("Seed of the eval split (the run's --seed).");

  public static final ConfigOption<Integer> SEQUENCES_PER_SHARD =
      ConfigOptions.key("dataset.sequences-per-shard")
          .intType()
          .defaultValue(TrainingShards.DEFAULT_SEQUENCES_PER_SHARD)
          .withDescription("Sequences per shard file; shards are written in parallel.");

  public static final ConfigOption<Long> CONTRIBUTIONS_SNAPSHOT =
      ConfigOptions.key("dataset.contributions-snapshot-id")
          .longType()
          .noDefaultValue()
          .withDescription(
              "Snapshot of datanet_contributions to read; unset: its current snapshot.");

  public static final ConfigOption<Long> EVENTS_SNAPSHOT =
      ConfigOptions.key("dataset.events-snapshot-id")
          .longType()
          .noDefaultValue()
          .withDescription(
              "Snapshot of contribution_events to read; unset: its current snapshot (none when"
                  + " the table does not exist).");

  private DatasetOptions() {}
}
