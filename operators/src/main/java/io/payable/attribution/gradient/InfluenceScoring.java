package io.payable.attribution.gradient;

import io.payable.models.influence.ContributorInfluence;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Version 2's scores and contributor weights of one query against an adapter's influence store
 * (docs/attribution.md, V2.6), with the top examples the job records. The provenance of every
 * example is read once per store.
 */
public final class InfluenceScoring {
  /** Top examples recorded per event. */
  public static final int TOP_EXAMPLES = 10;

  private final InfluenceStore store;
  private final List<ExampleProvenance> provenance;

  public InfluenceScoring(InfluenceStore store) {
    this.store = store;
    List<ExampleProvenance> p = new ArrayList<>(Math.toIntExact(store.examples()));
    for (long n = 0; n < store.examples(); n++) {
      p.add(store.provenance(n));
    }
    this.provenance = List.copyOf(p);
  }

  public int dimension() {
    return store.layout().dimension();
  }

  /**
   * Scores every training example for a query sketch and aggregates positive influence of live
   * pieces per contributor.
   *
   * @throws IllegalArgumentException when the query's dimension is not the store's
   */
  public GradientResult score(
      float[] query, Predicate<ExampleProvenance.Piece> live, boolean audited) {
    if (query.length != dimension()) {
      throw new IllegalArgumentException(
          "query sketch of dimension " + query.length + ", store of " + dimension());
    }
    double[] scores = store.scores(store.preconditioner().precondition(query));
    Map<String, Double> raw = ContributorInfluence.rawWeights(scores, provenance, live);
    return new GradientResult(raw, top(scores), audited);
  }

  /** The (at most) ten highest positive scores, ties to the lower index, one row per piece. */
  private List<Influence> top(double[] scores) {
    int[] best = new int[TOP_EXAMPLES];
    int size = 0;
    for (int n = 0; n < scores.length; n++) {
      if (!(scores[n] > 0)) {
        continue;
      }
      // Insertion into a short sorted array: strictly greater moves ahead, so ties keep index
      // order.
      int at = size;
      while (at > 0 && scores[n] > scores[best[at - 1]]) {
        at--;
      }
      if (at >= TOP_EXAMPLES) {
        continue;
      }
      int end = Math.min(size, TOP_EXAMPLES - 1);
      System.arraycopy(best, at, best, at + 1, end - at);
      best[at] = n;
      size = Math.min(size + 1, TOP_EXAMPLES);
    }
    List<Influence> out = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      int n = best[r];
      for (ExampleProvenance.Piece p : provenance.get(n).pieces()) {
        out.add(new Influence(r, n, p.contributionId(), p.contributor(), scores[n]));
      }
    }
    return out;
  }
}
