package io.payable.models.influence;

/**
 * Version 2's score of a training example for an output (docs/attribution.md, version 2, 4): {@code
 * score_n = (H^-1 q) . s_n}, with q the output's sketch and s_n the example's, both gradients of a
 * loss (negative log-likelihood). A positive score means a gradient step on the example lowers the
 * output's loss. The dot product is in float32 with a fixed operation order (V2.6 step 2): the
 * preconditioned query's entries rounded to float, eight float accumulators, entry j into
 * accumulator {@code j mod 8} ({@code a + q * s}, product and sum each rounded, never fused),
 * combined as {@code ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))}; the score is that float.
 */
public final class InfluenceScorer {
  private InfluenceScorer() {}

  /** The score of the sketch at {@code offset} of {@code sketches} for a preconditioned query. */
  public static double score(double[] preconditioned, float[] sketches, int offset) {
    int k = preconditioned.length;
    if (offset < 0 || offset + k > sketches.length) {
      throw new IllegalArgumentException("no sketch of dimension " + k + " at " + offset);
    }
    float a0 = 0;
    float a1 = 0;
    float a2 = 0;
    float a3 = 0;
    float a4 = 0;
    float a5 = 0;
    float a6 = 0;
    float a7 = 0;
    int j = 0;
    for (; j + 8 <= k; j += 8) {
      int o = offset + j;
      a0 += (float) preconditioned[j] * sketches[o];
      a1 += (float) preconditioned[j + 1] * sketches[o + 1];
      a2 += (float) preconditioned[j + 2] * sketches[o + 2];
      a3 += (float) preconditioned[j + 3] * sketches[o + 3];
      a4 += (float) preconditioned[j + 4] * sketches[o + 4];
      a5 += (float) preconditioned[j + 5] * sketches[o + 5];
      a6 += (float) preconditioned[j + 6] * sketches[o + 6];
      a7 += (float) preconditioned[j + 7] * sketches[o + 7];
    }
    float[] tail = new float[8];
    for (; j < k; j++) {
      tail[j & 7] += (float) preconditioned[j] * sketches[offset + j];
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
