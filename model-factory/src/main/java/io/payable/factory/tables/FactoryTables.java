package io.payable.factory.tables;

import io.payable.ingest.sink.IngestTables;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/** The Iceberg tables ModelFactory writes (docs/analyst-guide.md), and their schemas. */
public final class FactoryTables {

  public static final TableIdentifier MODEL_TRAININGS =
      TableIdentifier.of(IngestTables.NAMESPACE, "model_trainings");
  public static final TableIdentifier TRAINING_CONTRIBUTIONS =
      TableIdentifier.of(IngestTables.NAMESPACE, "training_contributions");

  public static final Schema MODEL_TRAININGS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "run_id", Types.StringType.get()),
          Types.NestedField.required(2, "adapter_name", Types.StringType.get()),
          Types.NestedField.required(3, "registry_key", Types.StringType.get()),
          Types.NestedField.required(4, "base_model_id", Types.StringType.get()),
          Types.NestedField.required(5, "base_model_sha256", Types.StringType.get()),
          Types.NestedField.required(
              6, "datanet_ids", Types.ListType.ofRequired(26, Types.StringType.get())),
          Types.NestedField.required(7, "contributions_snapshot_id", Types.LongType.get()),
          Types.NestedField.optional(8, "events_snapshot_id", Types.LongType.get()),
          Types.NestedField.required(9, "training_set_root", Types.StringType.get()),
          Types.NestedField.required(10, "training_set_count", Types.IntegerType.get()),
          Types.NestedField.required(11, "excluded_count", Types.IntegerType.get()),
          Types.NestedField.required(12, "artifact_sha256", Types.StringType.get()),
          Types.NestedField.required(13, "manifest_sha256", Types.StringType.get()),
          Types.NestedField.required(14, "attribution_method", Types.StringType.get()),
          Types.NestedField.required(15, "steps", Types.IntegerType.get()),
          Types.NestedField.required(16, "seed", Types.LongType.get()),
          Types.NestedField.optional(17, "final_loss", Types.DoubleType.get()),
          Types.NestedField.optional(18, "final_eval_loss", Types.DoubleType.get()),
          Types.NestedField.required(19, "tokens_seen", Types.LongType.get()),
          Types.NestedField.required(20, "wall_time_ms", Types.LongType.get()),
          Types.NestedField.required(21, "hyperparameters", Types.StringType.get()),
          Types.NestedField.optional(22, "tx_hash", Types.StringType.get()),
          Types.NestedField.optional(23, "block_number", Types.LongType.get()),
          Types.NestedField.required(24, "started_at", Types.TimestampType.withZone()),
          Types.NestedField.required(25, "finished_at", Types.TimestampType.withZone()));

  public static final Schema TRAINING_CONTRIBUTIONS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "run_id", Types.StringType.get()),
          Types.NestedField.required(2, "contribution_id", Types.StringType.get()),
          Types.NestedField.required(3, "datanet_id", Types.StringType.get()),
          Types.NestedField.required(4, "contributor", Types.StringType.get()),
          Types.NestedField.required(5, "content_hash", Types.StringType.get()),
          // train: in the training-set root; eval: held out for the eval loss.
          Types.NestedField.required(6, "split", Types.StringType.get()),
          Types.NestedField.required(7, "tokens", Types.IntegerType.get()));

  private FactoryTables() {}

  public static void ensure(Catalog catalog) {
    IngestTables.ensure(
        catalog, MODEL_TRAININGS, MODEL_TRAININGS_SCHEMA, PartitionSpec.unpartitioned());
    IngestTables.ensure(
        catalog,
        TRAINING_CONTRIBUTIONS,
        TRAINING_CONTRIBUTIONS_SCHEMA,
        PartitionSpec.unpartitioned());
  }
}
