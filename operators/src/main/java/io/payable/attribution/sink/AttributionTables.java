package io.payable.attribution.sink;

import io.payable.ingest.sink.IngestTables;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/** The Iceberg tables of the attribution job (documented in docs/analyst-guide.md). */
public final class AttributionTables {

  public static final TableIdentifier ATTRIBUTIONS =
      TableIdentifier.of(IngestTables.NAMESPACE, "attributions");
  public static final TableIdentifier SPANS =
      TableIdentifier.of(IngestTables.NAMESPACE, "attribution_spans");
  public static final TableIdentifier INFLUENCES =
      TableIdentifier.of(IngestTables.NAMESPACE, "attribution_influences");
  public static final TableIdentifier REJECTIONS =
      TableIdentifier.of(IngestTables.NAMESPACE, "inference_rejections");

  /** One row per event, recipient and role. */
  public static final Schema ATTRIBUTIONS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "event_id", Types.StringType.get()),
          Types.NestedField.required(2, "event_time", Types.TimestampType.withZone()),
          Types.NestedField.required(3, "epoch", Types.LongType.get()),
          Types.NestedField.required(4, "model_id", Types.StringType.get()),
          Types.NestedField.required(5, "adapter_id", Types.StringType.get()),
          Types.NestedField.required(6, "consumer", Types.StringType.get()),
          Types.NestedField.required(7, "worker_id", Types.StringType.get()),
          Types.NestedField.required(8, "fee_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(9, "recipient", Types.StringType.get()),
          Types.NestedField.required(10, "role", Types.StringType.get()),
          Types.NestedField.optional(11, "score", Types.DoubleType.get()),
          Types.NestedField.required(12, "amount_wei", Types.DecimalType.of(38, 0)),
          Types.NestedField.required(13, "attributed", Types.BooleanType.get()),
          Types.NestedField.required(14, "attributed_at", Types.TimestampType.withZone()),
          // Added with consumer payments: null in rows of events without a voucher (and in rows
          // written before the column existed).
          Types.NestedField.optional(16, "consumer_charged_wei", Types.DecimalType.of(38, 0)),
          // Added with attribution v2: spans, gradient or hybrid (null in rows written before).
          Types.NestedField.optional(17, "method", Types.StringType.get()));

  /**
   * One row per piece of each of an event's top training examples (gradient and hybrid adapters;
   * docs/attribution.md, V2.6 "Audit").
   */
  public static final Schema INFLUENCES_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "event_id", Types.StringType.get()),
          Types.NestedField.required(2, "epoch", Types.LongType.get()),
          Types.NestedField.required(3, "rank", Types.IntegerType.get()),
          Types.NestedField.required(4, "example", Types.LongType.get()),
          Types.NestedField.required(5, "contribution_id", Types.StringType.get()),
          Types.NestedField.required(6, "contributor", Types.StringType.get()),
          Types.NestedField.required(7, "score", Types.DoubleType.get()));

  /** One row per kept maximal span of an event's output. */
  public static final Schema SPANS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "event_id", Types.StringType.get()),
          Types.NestedField.required(2, "epoch", Types.LongType.get()),
          Types.NestedField.required(3, "start_token", Types.IntegerType.get()),
          Types.NestedField.required(4, "end_token", Types.IntegerType.get()),
          Types.NestedField.required(5, "text", Types.StringType.get()),
          Types.NestedField.required(6, "occurrences", Types.LongType.get()),
          Types.NestedField.required(7, "documents", Types.IntegerType.get()),
          Types.NestedField.required(
              8, "contributors", Types.ListType.ofRequired(15, Types.StringType.get())),
          Types.NestedField.required(9, "weight", Types.DoubleType.get()));

  private AttributionTables() {}

  /** Creates the tables that do not exist yet. */
  public static void ensure(Catalog catalog) {
    IngestTables.addMissingColumns(
        IngestTables.ensure(
            catalog,
            ATTRIBUTIONS,
            ATTRIBUTIONS_SCHEMA,
            PartitionSpec.builderFor(ATTRIBUTIONS_SCHEMA).identity("epoch").build()),
        ATTRIBUTIONS_SCHEMA);
    IngestTables.ensure(
        catalog,
        SPANS,
        SPANS_SCHEMA,
        PartitionSpec.builderFor(SPANS_SCHEMA).identity("epoch").build());
    IngestTables.ensure(
        catalog,
        INFLUENCES,
        INFLUENCES_SCHEMA,
        PartitionSpec.builderFor(INFLUENCES_SCHEMA).identity("epoch").build());
    IngestTables.ensure(
        catalog,
        REJECTIONS,
        IngestTables.REJECTIONS_SCHEMA,
        PartitionSpec.builderFor(IngestTables.REJECTIONS_SCHEMA).identity("reason").build());
  }
}
