package io.payable.attribution.gradient;

import io.payable.models.influence.ContributorInfluence;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceMatrix;
import io.payable.models.influence.InfluenceStore;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Version 2's scores and contributor weights of a batch of queries against an adapter's influence
 * store (docs/attribution.md, V2.6), with the top examples the job records. The sketches are read
 * once into an {@link InfluenceMatrix} and the provenance into a {@link
 * ContributorInfluence.Table}; a batch is scored in one pass over the sketches.
 */
public final class InfluenceScoring {
  /** Top examples recorded per event. */
  public static final int TOP_EXAMPLES = 10;

  private final InfluenceStore store;
  private final InfluenceMatrix matrix;
  private final ContributorInfluence.Table table;
  private final List<ExampleProvenance> provenance;

  /**
   * One event of a batch.
   *
   * @param sketch the event's decoded query sketch
   * @param dead pieces tombstoned at the event's time ({@link ContributorInfluence.Table} indexes),
   *     {@code null} for none
   * @param audited whether the sketch was recomputed
   */
  public record Query(float[] sketch, BitSet dead, boolean audited) {}

  public InfluenceScoring(InfluenceStore store) {
    this.store = store;
    List<ExampleProvenance> p = new ArrayList<>(Math.toIntExact(store.examples()));
    for (long n = 0; n < store.examples(); n++) {
      p.add(store.provenance(n));
    }
    this.provenance = List.copyOf(p);
    this.table = ContributorInfluence.Table.of(provenance);
    this.matrix = InfluenceMatrix.of(store);
  }

  public int dimension() {
    return store.layout().dimension();
  }

  /** The store's pieces, to mark tombstoned ones. */
  public ContributorInfluence.Table pieces() {
    return table;
  }

  /**
   * Scores every training example for each query and aggregates positive influence of live pieces
   * per contributor; results in the order of {@code batch}.
   *
   * @throws IllegalArgumentException when a query's dimension is not the store's
   */
  public List<GradientResult> score(List<Query> batch) {
    double[][] pre = new double[batch.size()][];
    for (int b = 0; b < pre.length; b++) {
      float[] q = batch.get(b).sketch();
      if (q.length != dimension()) {
        throw new IllegalArgumentException(
            "query sketch of dimension " + q.length + ", store of " + dimension());
      }
      pre[b] = store.preconditioner().precondition(q);
    }
    double[][] scores = matrix.scores(pre);
    List<GradientResult> out = new ArrayList<>(pre.length);
    for (int b = 0; b < pre.length; b++) {
      Map<String, Double> raw = table.rawWeights(scores[b], batch.get(b).dead());
      out.add(new GradientResult(raw, top(scores[b]), batch.get(b).audited()));
    }
    return out;
  }

  /** One query (a batch of one). */
  public GradientResult score(float[] query, BitSet dead, boolean audited) {
    return score(List.of(new Query(query, dead, audited))).get(0);
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
      if (size == TOP_EXAMPLES && !(scores[n] > scores[best[size - 1]])) {
        continue;
      }
      int at = size;
      while (at > 0 && scores[n] > scores[best[at - 1]]) {
        at--;
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
