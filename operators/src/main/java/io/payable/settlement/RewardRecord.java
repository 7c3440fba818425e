package io.payable.settlement;

import io.payable.ingest.record.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code rewards.attributed} record as the settlement source read it: the credits it pays and
 * what it charges its consumer, or the rejection saying why it pays nobody (then {@code credits} is
 * empty).
 *
 * @param charge the consumer's charge of a paid event; null for an event without a voucher and for
 *     a rejection
 * @param eventTime the reward's event time; {@link Long#MIN_VALUE} for a rejection, so that a bad
 *     record never moves the watermark
 */
public record RewardRecord(
    List<AccountCredit> credits, ConsumerCharge charge, Rejection rejection, long eventTime) {

  public RewardRecord {
    // An ArrayList, not an immutable copy: Flink serializes the list with Kryo between tasks.
    credits = new ArrayList<>(credits);
  }

  /** The credits of a reward, and its consumer's charge (null for an unpaid event). */
  public static RewardRecord of(
      List<AccountCredit> credits, ConsumerCharge charge, long eventTime) {
    return new RewardRecord(credits, charge, null, eventTime);
  }

  static RewardRecord rejected(Rejection rejection) {
    return new RewardRecord(List.of(), null, rejection, Long.MIN_VALUE);
  }
}
