package io.payable.ingest.sink;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg tables the ingest job writes, and their schemas (documented in docs/operations.md).
 */
public final class IngestTables {

  public static final Namespace NAMESPACE = Namespace.of("payable");
  public static final TableIdentifier CONTRIBUTIONS =
      TableIdentifier.of(NAMESPACE, "datanet_contributions");
  public static final TableIdentifier REJECTIONS =
      TableIdentifier.of(NAMESPACE, "contribution_rejections");

  public static final TableIdentifier INDEX_SHARDS = TableIdentifier.of(NAMESPACE, "index_shards");

  public static final Schema INDEX_SHARDS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "datanet_id", Types.StringType.get()),
          Types.NestedField.required(2, "shard_id", Types.StringType.get()),
          Types.NestedField.required(3, "sequence", Types.LongType.get()),
          Types.NestedField.required(4, "path", Types.StringType.get()),
          Types.NestedField.required(5, "documents", Types.IntegerType.get()),
          Types.NestedField.required(6, "symbols", Types.LongType.get()),
          Types.NestedField.required(7, "merkle_root", Types.StringType.get()),
          Types.NestedField.required(8, "tokenizer", Types.StringType.get()),
          Types.NestedField.required(9, "sealed_at", Types.TimestampType.withZone()),
          Types.NestedField.required(
              10, "supersedes", Types.ListType.ofRequired(11, Types.StringType.get())));

  public static final Schema CONTRIBUTIONS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "contribution_id", Types.StringType.get()),
          Types.NestedField.required(2, "datanet_id", Types.StringType.get()),
          Types.NestedField.required(3, "contributor", Types.StringType.get()),
          Types.NestedField.required(4, "content_hash", Types.StringType.get()),
          Types.NestedField.required(5, "token_count", Types.IntegerType.get()),
          Types.NestedField.required(6, "byte_count", Types.IntegerType.get()),
          // uint256 does not fit decimal(38,0); nonces are identifiers, not amounts.
          Types.NestedField.required(7, "nonce", Types.StringType.get()),
          Types.NestedField.required(8, "submitted_at", Types.TimestampType.withZone()),
          Types.NestedField.required(9, "accepted_at", Types.TimestampType.withZone()),
          Types.NestedField.optional(10, "license", Types.StringType.get()),
          Types.NestedField.optional(11, "shard_id", Types.StringType.get()),
          // The text itself, so a training run reads exactly what a snapshot held
          // (docs/formats.md).
          Types.NestedField.optional(12, "content", Types.StringType.get()));

  public static final Schema REJECTIONS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "reason", Types.StringType.get()),
          Types.NestedField.required(2, "detail", Types.StringType.get()),
          Types.NestedField.required(3, "source_topic", Types.StringType.get()),
          Types.NestedField.required(4, "source_partition", Types.IntegerType.get()),
          Types.NestedField.required(5, "source_offset", Types.LongType.get()),
          Types.NestedField.required(6, "raw", Types.BinaryType.get()),
          Types.NestedField.required(7, "size", Types.IntegerType.get()),
          Types.NestedField.required(8, "sha256", Types.StringType.get()),
          Types.NestedField.required(9, "received_at", Types.TimestampType.withZone()),
          Types.NestedField.required(10, "rejected_at", Types.TimestampType.withZone()));

  private IngestTables() {}

  /** Creates the namespace and the tables that do not exist yet. */
  public static void ensure(Catalog catalog) {
    addMissingColumns(
        ensure(
            catalog,
            CONTRIBUTIONS,
            CONTRIBUTIONS_SCHEMA,
            PartitionSpec.builderFor(CONTRIBUTIONS_SCHEMA).identity("datanet_id").build()),
        CONTRIBUTIONS_SCHEMA);
    ensure(catalog, INDEX_SHARDS, INDEX_SHARDS_SCHEMA, PartitionSpec.unpartitioned());
    ensure(
        catalog,
        REJECTIONS,
        REJECTIONS_SCHEMA,
        PartitionSpec.builderFor(REJECTIONS_SCHEMA).identity("reason").build());
    ContributionEventTables.ensure(catalog);
  }

  /**
   * Adds the optional columns of {@code schema} that an existing table lacks (tables created by an
   * earlier version), by schema evolution: old rows read them as null. Safe when several jobs race.
   */
  public static Table addMissingColumns(Table table, Schema schema) {
    for (int attempt = 0; ; attempt++) {
      org.apache.iceberg.UpdateSchema update = table.updateSchema();
      boolean changed = false;
      for (Types.NestedField field : schema.columns()) {
        if (table.schema().findField(field.name()) == null) {
          if (field.isRequired()) {
            throw new IllegalStateException(
                table.name() + " lacks the required column " + field.name());
          }
          update.addColumn(field.name(), field.type(), field.doc());
          changed = true;
        }
      }
      if (!changed) {
        return table;
      }
      try {
        update.commit();
        return table;
      } catch (org.apache.iceberg.exceptions.CommitFailedException raced) {
        if (attempt >= 3) {
          throw raced;
        }
        table.refresh();
      }
    }
  }

  /** Creates a table (and its namespace) unless it exists; safe when several jobs race. */
  public static Table ensure(
      Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    if (catalog instanceof org.apache.iceberg.catalog.SupportsNamespaces namespaces
        && !namespaces.namespaceExists(id.namespace())) {
      try {
        namespaces.createNamespace(id.namespace());
      } catch (org.apache.iceberg.exceptions.AlreadyExistsException raced) {
        // Another job created it first.
      }
    }
    if (catalog.tableExists(id)) {
      return catalog.loadTable(id);
    }
    try {
      return catalog.createTable(id, schema, spec);
    } catch (org.apache.iceberg.exceptions.AlreadyExistsException raced) {
      return catalog.loadTable(id);
    }
  }
}
