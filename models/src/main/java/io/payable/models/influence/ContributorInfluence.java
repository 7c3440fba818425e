package io.payable.models.influence;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Version 2's per-contributor aggregation (docs/attribution.md, version 2, 5): only positive
 * influence counts, and an example's score is split over its contributions by their target tokens.
 * The raw weights then go through version 1's threshold, renormalisation and fee split.
 */
public final class ContributorInfluence {
  private ContributorInfluence() {}

  /**
   * Raw weights by contributor address (ascending, as {@link String} orders them): in example
   * order, then piece order, each piece adds {@code (max(0, score_n) * tokens_piece) / tokens_n}.
   * Examples without target tokens add nothing. An empty map means no positive influence.
   */
  public static Map<String, Double> rawWeights(double[] scores, List<ExampleProvenance> examples) {
    return rawWeights(scores, examples, p -> true);
  }

  /**
   * As {@link #rawWeights(double[], List)}, crediting only pieces whose contribution is {@code
   * live} at the event's time: a tombstoned piece's part credits no one, and it still counts in its
   * example's target tokens (docs/attribution.md, V2.6 step 3).
   */
  public static Map<String, Double> rawWeights(
      double[] scores, List<ExampleProvenance> examples, Predicate<ExampleProvenance.Piece> live) {
    if (scores.length != examples.size()) {
      throw new IllegalArgumentException(
          scores.length + " scores for " + examples.size() + " examples");
    }
    Map<String, Double> raw = new TreeMap<>();
    for (int n = 0; n < scores.length; n++) {
      double s = scores[n];
      if (Double.isNaN(s)) {
        throw new IllegalArgumentException("score of example " + n + " is NaN");
      }
      long total = examples.get(n).targetTokens();
      if (!(s > 0) || total == 0) {
        continue;
      }
      for (ExampleProvenance.Piece p : examples.get(n).pieces()) {
        if (p.targetTokens() > 0 && live.test(p)) {
          raw.merge(p.contributor(), (s * p.targetTokens()) / total, Double::sum);
        }
      }
    }
    return raw;
  }
}
