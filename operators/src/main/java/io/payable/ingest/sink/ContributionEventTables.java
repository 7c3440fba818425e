package io.payable.ingest.sink;

import io.payable.ingest.curation.ContributionEvent;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * {@code payable.contribution_events}: the curation history of contributions (withdrawals, flags
 * and their outcomes), one row per event, appended by the ingest job. A contribution is gone from
 * the index, attribution and training snapshots from the {@code effective_at} of its {@code
 * withdrawn} or {@code flag_upheld} event on. Documented in docs/analyst-guide.md.
 */
public final class ContributionEventTables {

  public static final TableIdentifier CONTRIBUTION_EVENTS =
      TableIdentifier.of(IngestTables.NAMESPACE, "contribution_events");

  public static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "event_id", Types.StringType.get()),
          Types.NestedField.required(2, "datanet_id", Types.StringType.get()),
          Types.NestedField.required(3, "contribution_id", Types.StringType.get()),
          Types.NestedField.required(4, "contributor", Types.StringType.get()),
          // withdrawn, flagged, flag_upheld, flag_dismissed or disputed
          Types.NestedField.required(5, "event_type", Types.StringType.get()),
          Types.NestedField.required(6, "reason", Types.StringType.get()),
          Types.NestedField.required(7, "effective_at", Types.TimestampType.withZone()),
          Types.NestedField.optional(8, "tx_hash", Types.StringType.get()));

  private ContributionEventTables() {}

  /** Creates the table unless it exists. */
  public static void ensure(Catalog catalog) {
    IngestTables.ensure(
        catalog,
        CONTRIBUTION_EVENTS,
        SCHEMA,
        PartitionSpec.builderFor(SCHEMA).identity("datanet_id").build());
  }

  /** The row of an event, in the column order of {@link #SCHEMA}. */
  public static RowData row(ContributionEvent e) {
    return GenericRowData.of(
        StringData.fromString(e.eventId()),
        StringData.fromString(e.datanetId()),
        StringData.fromString(e.contributionId()),
        StringData.fromString(e.contributor()),
        StringData.fromString(e.eventType()),
        StringData.fromString(e.reason()),
        TimestampData.fromEpochMillis(e.effectiveAt()),
        e.txHash() == null ? null : StringData.fromString(e.txHash()));
  }
}
