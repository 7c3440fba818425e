package io.payable.attribution.split;

import io.payable.index.scoring.ContributorScore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one inference fee exactly as docs/attribution.md section 7 says: four pools by basis
 * points (the pool remainder to the protocol), the data pool by contributor share with the
 * largest-remainder rule, or, when nothing is attributed, to the adapter's Datanet treasuries in
 * proportion to their size. The payouts always sum to the fee.
 */
public final class FeeSplitter {

  private static final BigInteger BPS = BigInteger.valueOf(FeeSplitParams.TOTAL_BPS);

  private final FeeSplitParams params;
  private final String protocolTreasury;

  public FeeSplitter(FeeSplitParams params, String protocolTreasury) {
    this.params = params;
    this.protocolTreasury = protocolTreasury;
  }

  /**
   * @param scores the kept contributors and their final shares (empty: unattributed)
   * @param datanetSizes treasury address to the indexed size of its Datanet, for unattributed fees
   */
  public List<Payout> split(
      BigInteger fee,
      List<ContributorScore> scores,
      String modelOwner,
      String worker,
      Map<String, Long> datanetSizes) {
    if (fee.signum() < 0) {
      throw new IllegalArgumentException("negative fee " + fee);
    }
    BigInteger data = pool(fee, params.dataBps());
    BigInteger owner = pool(fee, params.modelOwnerBps());
    BigInteger workerPool = pool(fee, params.workerBps());
    BigInteger protocol = fee.subtract(data).subtract(owner).subtract(workerPool);

    List<Payout> payouts = new ArrayList<>();
    BigInteger paidFromData = BigInteger.ZERO;
    if (!scores.isEmpty()) {
      Map<String, BigDecimal> shares = new LinkedHashMap<>();
      for (ContributorScore s : scores) {
        shares.merge(s.contributor(), new BigDecimal(s.share()), BigDecimal::add);
      }
      BigDecimal shareSum = shares.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      Map<String, BigInteger> amounts;
      if (shareSum.compareTo(BigDecimal.ONE) <= 0) {
        Map<String, BigDecimal> quotas = new LinkedHashMap<>();
        BigDecimal whole = new BigDecimal(data);
        shares.forEach((c, share) -> quotas.put(c, whole.multiply(share)));
        amounts = LargestRemainder.apportion(data, quotas);
      } else {
        // Doubles that sum a hair over 1 would hand out more than the pool: scale them to 1.
        amounts = LargestRemainder.byWeights(data, shares);
      }
      for (Map.Entry<String, BigInteger> e : amounts.entrySet()) {
        payouts.add(new Payout(e.getKey(), PayoutRole.CONTRIBUTOR, e.getValue()));
        paidFromData = paidFromData.add(e.getValue());
      }
    } else {
      Map<String, BigDecimal> sizes = new LinkedHashMap<>();
      datanetSizes.forEach((treasury, size) -> sizes.put(treasury, BigDecimal.valueOf(size)));
      for (Map.Entry<String, BigInteger> e : LargestRemainder.byWeights(data, sizes).entrySet()) {
        payouts.add(new Payout(e.getKey(), PayoutRole.DATANET_TREASURY, e.getValue()));
        paidFromData = paidFromData.add(e.getValue());
      }
    }
    payouts.add(new Payout(modelOwner, PayoutRole.MODEL_OWNER, owner));
    payouts.add(new Payout(worker, PayoutRole.WORKER, workerPool));
    // The pool remainder and any wei the data pool could not place go to the protocol.
    payouts.add(
        new Payout(
            protocolTreasury, PayoutRole.PROTOCOL, protocol.add(data.subtract(paidFromData))));
    return payouts;
  }

  private static BigInteger pool(BigInteger fee, int bps) {
    return fee.multiply(BigInteger.valueOf(bps)).divide(BPS);
  }
}
