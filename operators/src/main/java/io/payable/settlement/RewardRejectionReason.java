package io.payable.settlement;

import java.util.Locale;

/** Why the settlement job credited nobody for a {@code rewards.attributed} record. */
public enum RewardRejectionReason {
  /** The record has no value (a tombstone). */
  EMPTY,
  /** Not a version-1 reward record: not JSON, a missing or mistyped field, payouts not summing. */
  MALFORMED_REWARD,
  /** A payout's recipient is not a 0x address. */
  INVALID_RECIPIENT,
  /** A paid event (with a consumer voucher) whose consumer is not a 0x address. */
  INVALID_CONSUMER,
  /** The fee does not fit the tables' decimal(38,0) (the attribution job never writes one). */
  AMOUNT_OUT_OF_RANGE,
  /** Listed in {@code input.skip-records} by an operator (docs/operations.md). */
  SKIPPED;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
