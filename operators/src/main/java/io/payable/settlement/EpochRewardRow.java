package io.payable.settlement;

import java.math.BigInteger;
import java.util.List;

/**
 * One row of {@code epoch_rewards}: an account's leaf in an epoch's tree, with its proof. Every
 * account ever credited has a row in every settled epoch (its cumulative leaf is in every root), so
 * a claim against any root finds its proof.
 */
public record EpochRewardRow(
    long epoch,
    String account,
    BigInteger epochAmountWei,
    BigInteger cumulativeWei,
    int credits,
    int lateCredits,
    String leafHash,
    List<String> proof,
    String root) {}
