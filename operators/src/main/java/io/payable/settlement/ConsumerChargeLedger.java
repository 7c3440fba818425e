package io.payable.settlement;

import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;

/**
 * Writes the {@code consumer_charges} table: per epoch, one row per consumer charged in it,
 * appended by the funding gate when the epoch's root is released (funded). Idempotent by epoch: an
 * epoch that has rows is not written again, so a gate that replays a root after a restart writes
 * nothing.
 */
public final class ConsumerChargeLedger implements Serializable {

  private static final long serialVersionUID = 1L;

  private final CatalogLoader catalog;
  private transient Table table;

  public ConsumerChargeLedger(CatalogLoader catalog) {
    this.catalog = catalog;
  }

  private Table table() {
    if (table == null) {
      table = catalog.loadCatalog().loadTable(SettlementTables.CONSUMER_CHARGES);
    } else {
      table.refresh();
    }
    return table;
  }

  /** Whether {@code epoch} has rows. */
  public boolean has(long epoch) throws IOException {
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table()).where(Expressions.equal("epoch", epoch)).build()) {
      return rows.iterator().hasNext();
    }
  }

  /** Appends the rows of {@code epoch} in one commit, unless it has rows already. */
  void record(long epoch, List<ConsumerRedeemer.Result> results) throws IOException {
    if (results.isEmpty() || has(epoch)) {
      return;
    }
    Table t = table();
    var recordedAt = Instant.now().atOffset(ZoneOffset.UTC);
    PartitionKey partition = new PartitionKey(t.spec(), t.schema());
    GenericRecord template = GenericRecord.create(t.schema());
    template.setField("epoch", epoch);
    partition.partition(new InternalRecordWrapper(t.schema().asStruct()).wrap(template));
    String path =
        t.locationProvider()
            .newDataLocation(
                t.spec(),
                partition,
                "consumer-charges-" + epoch + "-" + UUID.randomUUID() + ".parquet");
    DataWriter<Record> writer =
        new GenericAppenderFactory(t.schema(), t.spec())
            .newDataWriter(
                EncryptedFiles.plainAsEncryptedOutput(t.io().newOutputFile(path)),
                FileFormat.PARQUET,
                partition);
    try (writer) {
      for (ConsumerRedeemer.Result r : results) {
        EpochConsumerCharge c = r.charge();
        GenericRecord row = GenericRecord.create(t.schema());
        row.setField("epoch", epoch);
        row.setField("consumer", c.consumer());
        row.setField("epoch_charged_wei", SettlementTables.decimal(c.epochChargedWei()));
        row.setField("charged_wei", SettlementTables.decimal(c.chargedWei()));
        row.setField("redeemed_wei", SettlementTables.decimal(r.redeemedWei()));
        row.setField("shortfall_wei", SettlementTables.decimal(r.shortfallWei()));
        row.setField("events", c.events());
        row.setField("status", r.status());
        row.setField("tx_hash", r.txHash());
        row.setField("recorded_at", recordedAt);
        writer.write(row);
      }
    }
    t.newAppend().appendFile(writer.toDataFile()).commit();
  }
}
