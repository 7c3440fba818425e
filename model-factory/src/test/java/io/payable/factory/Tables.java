package io.payable.factory;

import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.ingest.sink.IngestTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.types.Types;

/** Writes rows of the ingest tables for tests, one commit (snapshot) per call. */
public final class Tables {

  /** {@code contribution_events} as the ingest job writes it. */
  public static final Schema EVENTS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "event_id", Types.StringType.get()),
          Types.NestedField.required(2, "datanet_id", Types.StringType.get()),
          Types.NestedField.required(3, "contribution_id", Types.StringType.get()),
          Types.NestedField.required(4, "contributor", Types.StringType.get()),
          Types.NestedField.required(5, "event_type", Types.StringType.get()),
          Types.NestedField.required(6, "reason", Types.StringType.get()),
          Types.NestedField.required(7, "effective_at", Types.TimestampType.withZone()),
          Types.NestedField.optional(8, "tx_hash", Types.StringType.get()));

  private Tables() {}

  /** One contribution row: id, datanet, contributor, content hash, content (may be null). */
  public record Row(String id, String datanet, String contributor, String hash, String content) {}

  public static long appendContributions(Catalog catalog, List<Row> rows) {
    IngestTables.ensure(catalog);
    Table t = catalog.loadTable(IngestTables.CONTRIBUTIONS);
    List<Record> records = new ArrayList<>();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    for (Row r : rows) {
      GenericRecord g = GenericRecord.create(t.schema());
      g.setField("contribution_id", r.id());
      g.setField("datanet_id", r.datanet());
      g.setField("contributor", r.contributor());
      g.setField("content_hash", r.hash());
      g.setField("token_count", r.content() == null ? 10 : r.content().length());
      g.setField("byte_count", r.content() == null ? 10 : r.content().length());
      g.setField("nonce", "1");
      g.setField("submitted_at", now);
      g.setField("accepted_at", now);
      g.setField("content", r.content());
      records.add(g);
    }
    append(t, records);
    t.refresh();
    return t.currentSnapshot().snapshotId();
  }

  /** Appends events (contribution id, datanet, type) to {@code contribution_events}. */
  public static long appendEvents(Catalog catalog, List<String[]> events) {
    Table t =
        IngestTables.ensure(
            catalog, ContributionSnapshots.EVENTS, EVENTS_SCHEMA, PartitionSpec.unpartitioned());
    List<Record> records = new ArrayList<>();
    for (String[] e : events) {
      GenericRecord g = GenericRecord.create(t.schema());
      g.setField("event_id", UUID.randomUUID().toString());
      g.setField("contribution_id", e[0]);
      g.setField("datanet_id", e[1]);
      g.setField("contributor", "0x01");
      g.setField("event_type", e[2]);
      g.setField("reason", "test");
      g.setField("effective_at", OffsetDateTime.now(ZoneOffset.UTC));
      records.add(g);
    }
    append(t, records);
    t.refresh();
    return t.currentSnapshot().snapshotId();
  }

  private static void append(Table t, List<Record> records) {
    // Partitioned by datanet_id: one file per partition value.
    java.util.Map<Object, List<Record>> byPartition = new java.util.LinkedHashMap<>();
    for (Record r : records) {
      Object key = t.spec().isUnpartitioned() ? "" : r.getField("datanet_id");
      byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
    }
    var append = t.newAppend();
    try {
      for (var entry : byPartition.entrySet()) {
        org.apache.iceberg.PartitionKey key = null;
        if (!t.spec().isUnpartitioned()) {
          key = new org.apache.iceberg.PartitionKey(t.spec(), t.schema());
          key.partition(
              new org.apache.iceberg.data.InternalRecordWrapper(t.schema().asStruct())
                  .wrap(entry.getValue().get(0)));
        }
        String path =
            key == null
                ? t.locationProvider().newDataLocation("test-" + UUID.randomUUID() + ".parquet")
                : t.locationProvider()
                    .newDataLocation(t.spec(), key, "test-" + UUID.randomUUID() + ".parquet");
        DataWriter<Record> w =
            new GenericAppenderFactory(t.schema(), t.spec())
                .newDataWriter(
                    EncryptedFiles.plainAsEncryptedOutput(t.io().newOutputFile(path)),
                    FileFormat.PARQUET,
                    key);
        try (w) {
          for (Record r : entry.getValue()) {
            w.write(r);
          }
        }
        append.appendFile(w.toDataFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    append.commit();
  }
}
