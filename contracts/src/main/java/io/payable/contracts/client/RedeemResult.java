package io.payable.contracts.client;

import java.math.BigInteger;
import java.util.Map;

/**
 * What one batch redeem did.
 *
 * @param txHash the transaction
 * @param block its block
 * @param gasUsed its gas
 * @param redeemed consumer (lower-case) -> OPEN wei taken now, for every consumer that paid
 * @param shortfalls consumer -> what it owed but could not pay (balance withdrawn), nothing taken
 */
public record RedeemResult(
    String txHash,
    long block,
    long gasUsed,
    Map<String, BigInteger> redeemed,
    Map<String, BigInteger> shortfalls) {

  public RedeemResult {
    redeemed = Map.copyOf(redeemed);
    shortfalls = Map.copyOf(shortfalls);
  }

  /** The sum moved to the reward distributor. */
  public BigInteger total() {
    return redeemed.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
  }
}
