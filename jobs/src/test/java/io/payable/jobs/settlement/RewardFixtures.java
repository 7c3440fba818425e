package io.payable.jobs.settlement;

import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardJson;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Attributed rewards for the settlement tests, and what they must settle to: cumulative totals per
 * epoch and the reference roots (computed directly, without Flink).
 */
final class RewardFixtures {

  static final long EPOCH_SECONDS = 3_600;

  /** Rewards in event-time order over {@code epochs} consecutive epochs from {@code first}. */
  static List<AttributedReward> rewards(
      long first, int epochs, int perEpoch, List<String> accounts, long seed) {
    Random random = new Random(seed);
    List<AttributedReward> out = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      long epoch = first + e;
      for (int i = 0; i < perEpoch; i++) {
        long time =
            epoch * EPOCH_SECONDS * 1000 + (i + 1) * (EPOCH_SECONDS * 1000 / (perEpoch + 1));
        List<Payout> payouts = new ArrayList<>();
        BigInteger fee = BigInteger.ZERO;
        int recipients = 1 + random.nextInt(3);
        for (int r = 0; r < recipients; r++) {
          BigInteger amount =
              BigInteger.valueOf(1 + random.nextInt(1_000_000)).multiply(BigInteger.TEN.pow(9));
          String account = accounts.get(random.nextInt(accounts.size()));
          payouts.add(
              new Payout(
                  account, r == 0 ? PayoutRole.CONTRIBUTOR : PayoutRole.MODEL_OWNER, amount));
          fee = fee.add(amount);
        }
        out.add(
            new AttributedReward(
                "ev-" + epoch + "-" + i,
                time,
                epoch,
                "tiny-base",
                "adapter-" + (i % 3),
                accounts.get(0),
                accounts.get(1),
                fee,
                true,
                payouts));
      }
    }
    return out;
  }

  static List<byte[]> encoded(List<AttributedReward> rewards) {
    return rewards.stream().map(AttributedRewardJson::encode).toList();
  }

  /** epoch -> account -> cumulative total at the end of that epoch (accounts seen so far). */
  static TreeMap<Long, TreeMap<String, BigInteger>> cumulative(List<AttributedReward> rewards) {
    TreeMap<Long, List<AttributedReward>> byEpoch = new TreeMap<>();
    rewards.forEach(r -> byEpoch.computeIfAbsent(r.epoch(), e -> new ArrayList<>()).add(r));
    TreeMap<String, BigInteger> running = new TreeMap<>();
    TreeMap<Long, TreeMap<String, BigInteger>> out = new TreeMap<>();
    for (Map.Entry<Long, List<AttributedReward>> e : byEpoch.entrySet()) {
      for (AttributedReward r : e.getValue()) {
        for (Payout p : r.payouts()) {
          running.merge(p.recipient().toLowerCase(Locale.ROOT), p.amount(), BigInteger::add);
        }
      }
      out.put(e.getKey(), new TreeMap<>(running));
    }
    return out;
  }

  /** The root every correct run posts to {@code distributor} for each epoch. */
  static TreeMap<Long, String> roots(String distributor, List<AttributedReward> rewards) {
    TreeMap<Long, String> out = new TreeMap<>();
    cumulative(rewards)
        .forEach(
            (epoch, totals) ->
                out.put(
                    epoch,
                    StandardMerkleTree.of(
                            distributor,
                            totals.entrySet().stream()
                                .map(t -> new RewardLeaf(t.getKey(), t.getValue()))
                                .toList())
                        .rootHex()));
    return out;
  }

  /**
   * {@code rewards} and, after them, a 1-wei reward of epoch {@code epoch} whose watermark closes
   * every epoch before it (it stays open itself, an unbounded job never settles it).
   */
  static List<AttributedReward> withCloser(List<AttributedReward> rewards, long epoch) {
    List<AttributedReward> out = new ArrayList<>(rewards);
    String someone = rewards.get(0).payouts().get(0).recipient();
    out.add(
        new AttributedReward(
            "closer",
            epoch * EPOCH_SECONDS * 1000 + 1_000,
            epoch,
            "tiny-base",
            "adapter-0",
            someone,
            someone,
            BigInteger.ONE,
            true,
            List.of(new Payout(someone, PayoutRole.PROTOCOL, BigInteger.ONE))));
    return out;
  }

  static BigInteger totalFees(List<AttributedReward> rewards) {
    return rewards.stream().map(AttributedReward::feeWei).reduce(BigInteger.ZERO, BigInteger::add);
  }

  private RewardFixtures() {}
}
