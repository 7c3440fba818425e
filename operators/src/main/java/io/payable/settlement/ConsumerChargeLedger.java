package io.payable.settlement;

import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * Writes the {@code consumer_charges} table: per epoch, one row per consumer charged in it,
 * appended by the funding gate when the epoch's root is released (funded). Idempotent by epoch: an
 * epoch that has rows is not written again, so a gate that replays a root after a restart writes
 * nothing.
 */
public final class ConsumerChargeLedger implements Serializable {

  private static final long serialVersionUID = 1L;

  private final EpochLedgerTable table;

  public ConsumerChargeLedger(CatalogLoader catalog) {
    this.table = new EpochLedgerTable(catalog, SettlementTables.CONSUMER_CHARGES);
  }

  /** Whether {@code epoch} has rows. */
  public boolean has(long epoch) throws IOException {
    return table.has(epoch);
  }

  /** Appends the rows of {@code epoch} in one commit, unless it has rows already. */
  void record(long epoch, List<ConsumerRedeemer.Result> results) throws IOException {
    if (results.isEmpty()) {
      return;
    }
    var recordedAt = Instant.now().atOffset(ZoneOffset.UTC);
    table.appendOnce(
        epoch,
        "consumer-charges",
        template -> {
          List<Record> rows = new ArrayList<>();
          for (ConsumerRedeemer.Result r : results) {
            EpochConsumerCharge c = r.charge();
            GenericRecord row = template.copy();
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
            rows.add(row);
          }
          return rows;
        });
  }
}
