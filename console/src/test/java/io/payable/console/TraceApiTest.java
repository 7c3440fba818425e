package io.payable.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.attribution.sink.AttributionTables;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace of an event from real Iceberg tables, as the attribution job writes them: the method
 * the event was attributed by, and for attribution v2 its top training examples from {@code
 * attribution_influences}, best first, only the event's own.
 */
class TraceApiTest {

  static final String ALICE = "0x" + "a1".repeat(20);
  static final String BOB = "0x" + "b2".repeat(20);
  static final String WORKER = "0x" + "0c".repeat(20);

  @Test
  void aHybridEventShowsItsTopTrainingExamplesBestFirst(@TempDir Path dir) throws Exception {
    try (LocalIcebergWarehouse w = LocalIcebergWarehouse.open(dir);
        Warehouse warehouse = new Warehouse(w.location());
        // Nothing listens on port 9 of loopback: no output texts, which the trace does without.
        InferenceOutputs outputs = InferenceOutputs.start("127.0.0.1:9", "inference.events")) {
      AttributionTables.ensure(w.catalog());
      append(
          w,
          AttributionTables.ATTRIBUTIONS,
          List.of(
              attribution("hybrid-1", ALICE, "contributor", 0.75, 60, "hybrid"),
              attribution("hybrid-1", BOB, "contributor", 0.25, 20, "hybrid"),
              attribution("hybrid-1", WORKER, "worker", null, 20, "hybrid"),
              // A row of before attribution v2: no method.
              attribution("old-1", ALICE, "contributor", 1.0, 80, null),
              attribution("old-1", WORKER, "worker", null, 20, null)));
      // Written in another order than their rank, and an influence of another event.
      append(
          w,
          AttributionTables.INFLUENCES,
          List.of(
              influence("hybrid-1", 2, 7L, "0x03", BOB, 0.125),
              influence("hybrid-1", 0, 4L, "0x01", ALICE, 2.5),
              influence("other-1", 0, 1L, "0x09", BOB, 9.0),
              influence("hybrid-1", 1, 5L, "0x02", ALICE, 0.5)));
      TraceApi api = new TraceApi(warehouse, null, outputs);

      ObjectNode hybrid = api.trace("hybrid-1");
      assertThat(hybrid.get("method").asText()).isEqualTo("hybrid");
      List<String> influences = new ArrayList<>();
      for (JsonNode i : hybrid.get("influences")) {
        influences.add(
            i.get("rank").asInt()
                + " "
                + i.get("example").asLong()
                + " "
                + i.get("contribution_id").asText()
                + " "
                + i.get("contributor").asText()
                + " "
                + i.get("score").asDouble());
      }
      assertThat(influences)
          .containsExactly(
              "0 4 0x01 " + ALICE + " 2.5",
              "1 5 0x02 " + ALICE + " 0.5",
              "2 7 0x03 " + BOB + " 0.125");
      assertThat(hybrid.get("split_sums_to_fee").asBoolean()).isTrue();
      assertThat(hybrid.at("/settlement/status").asText()).isEqualTo("not_settled");

      ObjectNode old = api.trace("old-1");
      assertThat(old.get("method").asText()).isEqualTo("spans");
      assertThat(old.get("influences")).isEmpty();
    }
  }

  private static Record attribution(
      String event, String recipient, String role, Double score, long amount, String method) {
    GenericRecord r = GenericRecord.create(AttributionTables.ATTRIBUTIONS_SCHEMA);
    OffsetDateTime t = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    r.setField("event_id", event);
    r.setField("event_time", t);
    r.setField("epoch", 7L);
    r.setField("model_id", "demo-base");
    r.setField("adapter_id", "moby-dick-qa");
    r.setField("consumer", "0x" + "cc".repeat(20));
    r.setField("worker_id", WORKER);
    r.setField("fee_wei", BigDecimal.valueOf(100));
    r.setField("recipient", recipient);
    r.setField("role", role);
    r.setField("score", score);
    r.setField("amount_wei", BigDecimal.valueOf(amount));
    r.setField("attributed", true);
    r.setField("attributed_at", t);
    r.setField("method", method);
    return r;
  }

  private static Record influence(
      String event, int rank, long example, String contribution, String contributor, double score) {
    GenericRecord r = GenericRecord.create(AttributionTables.INFLUENCES_SCHEMA);
    r.setField("event_id", event);
    r.setField("epoch", 7L);
    r.setField("rank", rank);
    r.setField("example", example);
    r.setField("contribution_id", contribution);
    r.setField("contributor", contributor);
    r.setField("score", score);
    return r;
  }

  /** Appends {@code rows} (all of one epoch, the tables' partition) in one data file. */
  private static void append(LocalIcebergWarehouse w, TableIdentifier id, List<Record> rows)
      throws Exception {
    Table t = w.catalog().loadTable(id);
    List<Record> records = new ArrayList<>();
    for (Record r : rows) {
      // By name: the table's own schema is what its writer lays out.
      GenericRecord g = GenericRecord.create(t.schema());
      t.schema().columns().forEach(c -> g.setField(c.name(), r.getField(c.name())));
      records.add(g);
    }
    rows = records;
    PartitionKey key = new PartitionKey(t.spec(), t.schema());
    key.partition(new InternalRecordWrapper(t.schema().asStruct()).wrap(rows.get(0)));
    DataWriter<Record> writer =
        new GenericAppenderFactory(t.schema(), t.spec())
            .newDataWriter(
                EncryptedFiles.plainAsEncryptedOutput(
                    t.io()
                        .newOutputFile(
                            t.locationProvider()
                                .newDataLocation(t.spec(), key, id.name() + ".parquet"))),
                FileFormat.PARQUET,
                key);
    try (writer) {
      rows.forEach(writer::write);
    }
    t.newAppend().appendFile(writer.toDataFile()).commit();
  }
}
