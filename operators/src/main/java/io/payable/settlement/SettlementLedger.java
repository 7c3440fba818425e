package io.payable.settlement;

import io.payable.contracts.client.PostedRoot;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;

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

  private final EpochLedgerTable table;

  public SettlementLedger(CatalogLoader catalog) {
    this.table = new EpochLedgerTable(catalog, SettlementTables.SETTLEMENTS);
  }

  /** Whether {@code epoch} has a row. */
  public boolean has(long epoch) throws IOException {
    return table.has(epoch);
  }

  /** Appends the row of {@code root} unless {@code epoch} has one; {@code posted} may be null. */
  public void record(EpochRoot root, PostedRoot posted, String status) throws IOException {
    table.appendOnce(
        root.epoch(),
        "settlement",
        template -> {
          GenericRecord row = template.copy();
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
          return List.<Record>of(row);
        });
  }
}
