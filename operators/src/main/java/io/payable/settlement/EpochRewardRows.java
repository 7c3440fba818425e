package io.payable.settlement;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;

/** {@link EpochRewardRow} as a RowData of {@code epoch_rewards}, in schema order. */
public final class EpochRewardRows implements MapFunction<EpochRewardRow, RowData> {

  private static final long serialVersionUID = 1L;

  @Override
  public RowData map(EpochRewardRow r) {
    return GenericRowData.of(
        r.epoch(),
        StringData.fromString(r.account()),
        DecimalData.fromBigDecimal(SettlementTables.decimal(r.epochAmountWei()), 38, 0),
        DecimalData.fromBigDecimal(SettlementTables.decimal(r.cumulativeWei()), 38, 0),
        r.credits(),
        r.lateCredits(),
        StringData.fromString(r.leafHash()),
        new GenericArrayData(r.proof().stream().map(StringData::fromString).toArray()),
        StringData.fromString(r.root()));
  }
}
