package io.payable.contracts.client;

import java.math.BigInteger;

/**
 * A consumer's state in ConsumerEscrow.
 *
 * @param balance OPEN wei held for the consumer
 * @param redeemed OPEN wei redeemed since the first deposit (the channel's spent total)
 * @param withdrawalAmount requested withdrawal, 0 when none
 * @param withdrawableAt unix seconds from which the withdrawal can be paid, 0 when none
 */
public record EscrowAccount(
    BigInteger balance, BigInteger redeemed, BigInteger withdrawalAmount, long withdrawableAt) {

  /** What stays when the pending withdrawal is paid: what a worker may rely on. */
  public BigInteger available() {
    return withdrawalAmount.compareTo(balance) >= 0
        ? BigInteger.ZERO
        : balance.subtract(withdrawalAmount);
  }
}
