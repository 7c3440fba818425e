package io.payable.settlement;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

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
 * @param consumerCharges one entry per consumer charged in this epoch, by consumer (empty when the
 *     job does not redeem consumer payments); the {@link FundingGate} redeems them before the root
 *     is released
 */
public record EpochRoot(
    long epoch,
    String root,
    BigInteger totalCumulativeWei,
    BigInteger epochTotalWei,
    int accounts,
    int activeAccounts,
    int lateCredits,
    String manifestHash,
    List<EpochConsumerCharge> consumerCharges) {

  public EpochRoot {
    // An ArrayList, not an immutable copy: Flink serializes the list with Kryo.
    consumerCharges =
        consumerCharges == null ? new ArrayList<>() : new ArrayList<>(consumerCharges);
  }

  /** A root without consumer charges (the distributor is funded externally). */
  public EpochRoot(
      long epoch,
      String root,
      BigInteger totalCumulativeWei,
      BigInteger epochTotalWei,
      int accounts,
      int activeAccounts,
      int lateCredits,
      String manifestHash) {
    this(
        epoch,
        root,
        totalCumulativeWei,
        epochTotalWei,
        accounts,
        activeAccounts,
        lateCredits,
        manifestHash,
        List.of());
  }
}
