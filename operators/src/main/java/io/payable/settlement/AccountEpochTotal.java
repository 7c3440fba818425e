package io.payable.settlement;

import java.math.BigInteger;

/**
 * One account's credits in one epoch, as {@link EpochTreeBuilder} collects them.
 *
 * @param epoch the epoch
 * @param account lower-case 0x address
 * @param epochAmountWei credited in this epoch (late credits included)
 * @param cumulativeWei unused while the epoch is open (null)
 * @param credits payouts credited in this epoch
 * @param lateCredits of those, payouts of an earlier, already closed epoch
 */
public record AccountEpochTotal(
    long epoch,
    String account,
    BigInteger epochAmountWei,
    BigInteger cumulativeWei,
    int credits,
    int lateCredits) {}
