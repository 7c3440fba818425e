package io.payable.jobs.dataset;

import io.payable.ingest.sink.IngestTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;

/**
 * Rows of {@code datanet_contributions} and {@code contribution_events} as the ingest job writes
 * them, for the dataset tests: one commit (snapshot) per call. A row is {id, datanet, content}
 * (content may be null); an event is {contribution id, datanet, event type}.
 */
public final class ContributionRows {

  private ContributionRows() {}

  public static long appendContributions(Catalog catalog, List<String[]> rows) {
    IngestTables.ensure(catalog);
    Table t = catalog.loadTable(IngestTables.CONTRIBUTIONS);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    List<Record> records = new ArrayList<>();
    for (String[] r : rows) {
      GenericRecord g = GenericRecord.create(t.schema());
      g.setField("contribution_id", r[0]);
      g.setField("datanet_id", r[1]);
      g.setField("contributor", "0x" + Integer.toHexString(r[0].hashCode()));
      g.setField(
          "content_hash",
          "0x"
              + UUID.nameUUIDFromBytes(r[0].getBytes(StandardCharsets.UTF_8))
                  .toString()
                  .replace("-", "")
                  .repeat(2));
      g.setField("token_count", 1);
      g.setField("byte_count", 1);
      g.setField("nonce", "1");
      g.setField("submitted_at", now);
      g.setField("accepted_at", now);
      g.setField("content", r[2]);
      records.add(g);
    }
    append(t, records);
    t.refresh();
    return t.currentSnapshot().snapshotId();
  }

  public static long appendEvents(Catalog catalog, List<String[]> events) {
    IngestTables.ensure(catalog);
    Table t = catalog.loadTable(TableIdentifier.of(IngestTables.NAMESPACE, "contribution_events"));
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
    Map<Object, List<Record>> byDatanet = new LinkedHashMap<>();
    for (Record r : records) {
      byDatanet.computeIfAbsent(r.getField("datanet_id"), k -> new ArrayList<>()).add(r);
    }
    var append = t.newAppend();
    try {
      for (List<Record> part : byDatanet.values()) {
        PartitionKey key = new PartitionKey(t.spec(), t.schema());
        key.partition(new InternalRecordWrapper(t.schema().asStruct()).wrap(part.get(0)));
        String path =
            t.locationProvider().newDataLocation(t.spec(), key, UUID.randomUUID() + ".parquet");
        DataWriter<Record> w =
            new GenericAppenderFactory(t.schema(), t.spec())
                .newDataWriter(
                    EncryptedFiles.plainAsEncryptedOutput(t.io().newOutputFile(path)),
                    FileFormat.PARQUET,
                    key);
        try (w) {
          for (Record r : part) {
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
