package io.payable.settlement;

import io.payable.contracts.client.PostedRoot;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;

/**
 * Writes the {@code settlements} table: one row per epoch, appended by the root committer once the
 * root is on chain (or found there after a restart). Idempotent by epoch: a row that exists is not
 * written again.
 */
public final class SettlementLedger implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The root is on chain, posted by this job. */
  public static final String POSTED = "posted";

  /** A later epoch's root was on chain first; this epoch's amounts are in it (cumulative). */
  public static final String SUPERSEDED = "superseded";

  private final CatalogLoader catalog;
  private transient Table table;

  public SettlementLedger(CatalogLoader catalog) {
    this.catalog = catalog;
  }

  private Table table() {
    if (table == null) {
      table = catalog.loadCatalog().loadTable(SettlementTables.SETTLEMENTS);
    } else {
      table.refresh();
    }
    return table;
  }

  /** Whether {@code epoch} has a row. */
  public boolean has(long epoch) throws IOException {
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table()).where(Expressions.equal("epoch", epoch)).build()) {
      return rows.iterator().hasNext();
    }
  }

  /** Appends the row of {@code root} unless {@code epoch} has one; {@code posted} may be null. */
  public void record(EpochRoot root, PostedRoot posted, String status) throws IOException {
    if (has(root.epoch())) {
      return;
    }
    Table t = table();
    GenericRecord row = GenericRecord.create(t.schema());
    row.setField("epoch", root.epoch());
    row.setField("root", root.root());
    row.setField("total_cumulative_wei", SettlementTables.decimal(root.totalCumulativeWei()));
    row.setField("epoch_total_wei", SettlementTables.decimal(root.epochTotalWei()));
    row.setField("accounts", root.accounts());
    row.setField("active_accounts", root.activeAccounts());
    row.setField("late_credits", root.lateCredits());
    row.setField("manifest_hash", root.manifestHash());
    row.setField("tx_hash", posted == null ? null : posted.transactionHash());
    row.setField("block_number", posted == null ? null : posted.blockNumber());
    row.setField("gas_used", posted == null ? null : posted.gasUsed());
    row.setField("status", status);
    row.setField("recorded_at", Instant.now().atOffset(ZoneOffset.UTC));
    String path =
        t.locationProvider()
            .newDataLocation("settlement-" + root.epoch() + "-" + UUID.randomUUID() + ".parquet");
    DataWriter<org.apache.iceberg.data.Record> writer =
        new GenericAppenderFactory(t.schema(), t.spec())
            .newDataWriter(
                EncryptedFiles.plainAsEncryptedOutput(t.io().newOutputFile(path)),
                FileFormat.PARQUET,
                null);
    try (writer) {
      writer.write(row);
    }
    t.newAppend().appendFile(writer.toDataFile()).commit();
  }
}
