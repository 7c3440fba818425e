package io.payable.settlement;

import java.math.BigInteger;

/**
 * A settled epoch: the cumulative tree's root and what the committer posts with it. The committable
 * of {@link RootPostingSink}.
 *
 * @param epoch the epoch
 * @param root 0x-hex StandardMerkleTree root over every account's cumulative leaf
 * @param totalCumulativeWei sum of all leaves (the {@code totalCumulative} posted)
 * @param epochTotalWei credited in this epoch
 * @param accounts leaves in the tree
 * @param activeAccounts accounts credited in this epoch
 * @param lateCredits payouts of earlier epochs credited in this one
 * @param manifestHash 0x-hex {@link EpochManifest} hash posted with the root
 */
public record EpochRoot(
    long epoch,
    String root,
    BigInteger totalCumulativeWei,
    BigInteger epochTotalWei,
    int accounts,
    int activeAccounts,
    int lateCredits,
    String manifestHash) {}
