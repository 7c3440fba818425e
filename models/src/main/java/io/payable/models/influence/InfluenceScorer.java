package io.payable.models.influence;

/**
 * Version 2's score of a training example for an output (docs/attribution.md, version 2, 4): {@code
 * score_n = (H^-1 q) . s_n}, with q the output's sketch and s_n the example's, both gradients of a
 * loss (negative log-likelihood). A positive score means a gradient step on the example lowers the
 * output's loss. The dot product has a fixed operation order: eight double accumulators, entry j
 * into accumulator {@code j mod 8}, combined as {@code ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 +
 * a7))}.
 */
public final class InfluenceScorer {
  private InfluenceScorer() {}

  /** The score of the sketch at {@code offset} of {@code sketches} for a preconditioned query. */
  public static double score(double[] preconditioned, float[] sketches, int offset) {
    int k = preconditioned.length;
    if (offset < 0 || offset + k > sketches.length) {
      throw new IllegalArgumentException("no sketch of dimension " + k + " at " + offset);
    }
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    double a4 = 0;
    double a5 = 0;
    double a6 = 0;
    double a7 = 0;
    int j = 0;
    for (; j + 8 <= k; j += 8) {
      int o = offset + j;
      a0 += preconditioned[j] * sketches[o];
      a1 += preconditioned[j + 1] * sketches[o + 1];
      a2 += preconditioned[j + 2] * sketches[o + 2];
      a3 += preconditioned[j + 3] * sketches[o + 3];
      a4 += preconditioned[j + 4] * sketches[o + 4];
      a5 += preconditioned[j + 5] * sketches[o + 5];
      a6 += preconditioned[j + 6] * sketches[o + 6];
      a7 += preconditioned[j + 7] * sketches[o + 7];
    }
    double[] tail = new double[8];
    for (; j < k; j++) {
      tail[j & 7] += preconditioned[j] * sketches[offset + j];
    }
    a0 += tail[0];
    a1 += tail[1];
    a2 += tail[2];
    a3 += tail[3];
    a4 += tail[4];
    a5 += tail[5];
    a6 += tail[6];
    a7 += tail[7];
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  }

  /** Scores of {@code n} sketches stored back to back in {@code sketches}. */
  public static double[] scores(double[] preconditioned, float[] sketches, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = score(preconditioned, sketches, i * preconditioned.length);
    }
    return out;
  }
}
