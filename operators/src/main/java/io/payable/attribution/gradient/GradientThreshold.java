package io.payable.attribution.gradient;

import io.payable.index.scoring.AttributionScorer;
import io.payable.index.scoring.ContributorScore;
import java.util.Map;
import java.util.TreeMap;

/**
 * Version 2's threshold on gradient shares (docs/attribution.md, V2.6 step 4): positive influence
 * credits nearly every contributor a little, so contributors whose share of the gradient weight is
 * below {@code gradient_threshold_bps} are dropped before a gradient adapter's split or a hybrid
 * adapter's mix. It is version 1's threshold rule (section 6) applied to the gradient weights
 * alone: shares {@code raw_c / W}, {@code W} summed in address order, kept when {@code share >= bps
 * / 10000}.
 */
public final class GradientThreshold {
  private GradientThreshold() {}

  /**
   * The raw weights of the kept contributors, unchanged, by address (ascending); their shares are
   * {@code raw_c / W'} with {@code W'} their sum in address order. Empty when {@code W = 0} or
   * every contributor is dropped (the gradient side is then unattributed).
   */
  public static Map<String, Double> apply(Map<String, Double> raw, int thresholdBps) {
    Map<String, Double> kept = new TreeMap<>();
    for (ContributorScore c : new AttributionScorer(thresholdBps).shares(raw)) {
      kept.put(c.contributor(), c.rawWeight());
    }
    return kept;
  }
}
