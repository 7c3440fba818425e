package io.payable.settlement;

import io.payable.ingest.record.Rejection;
import java.util.List;

/**
 * One {@code rewards.attributed} record as the settlement source read it: the credits it pays, or
 * the rejection saying why it pays nobody (then {@code credits} is empty).
 *
 * @param eventTime the reward's event time; {@link Long#MIN_VALUE} for a rejection, so that a bad
 *     record never moves the watermark
 */
public record RewardRecord(List<AccountCredit> credits, Rejection rejection, long eventTime) {

  public RewardRecord {
    credits = List.copyOf(credits);
  }

  static RewardRecord of(List<AccountCredit> credits, long eventTime) {
    return new RewardRecord(credits, null, eventTime);
  }

  static RewardRecord rejected(Rejection rejection) {
    return new RewardRecord(List.of(), rejection, Long.MIN_VALUE);
  }
}
