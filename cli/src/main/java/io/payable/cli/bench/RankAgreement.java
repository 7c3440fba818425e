package io.payable.cli.bench;

import java.util.Arrays;

/** Agreement of a predicted ranking with a reference one: Spearman's rho and top-1. */
final class RankAgreement {

  private RankAgreement() {}

  /**
   * Spearman's rho: Pearson's correlation of the ranks, ties given their average rank; NaN when
   * either side is constant (no ranking).
   */
  static double spearman(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " predictions for " + b.length + " values");
    }
    double[] ra = ranks(a);
    double[] rb = ranks(b);
    double ma = Arrays.stream(ra).average().orElse(0);
    double mb = Arrays.stream(rb).average().orElse(0);
    double num = 0;
    double da = 0;
    double db = 0;
    for (int i = 0; i < a.length; i++) {
      num += (ra[i] - ma) * (rb[i] - mb);
      da += (ra[i] - ma) * (ra[i] - ma);
      db += (rb[i] - mb) * (rb[i] - mb);
    }
    return da == 0 || db == 0 ? Double.NaN : num / Math.sqrt(da * db);
  }

  /** 0-based ranks in ascending order, ties sharing their average rank. */
  static double[] ranks(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> Double.compare(v[x], v[y]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
        j++;
      }
      for (int m = i; m <= j; m++) {
        r[idx[m]] = (i + j) / 2.0;
      }
      i = j + 1;
    }
    return r;
  }

  /**
   * The index of the single largest value, or -1 when the largest value is shared (a tie has no
   * top-1) or is not positive when {@code positiveOnly}.
   */
  static int top1(double[] v, boolean positiveOnly) {
    int best = -1;
    boolean tie = false;
    for (int i = 0; i < v.length; i++) {
      if (best < 0 || v[i] > v[best]) {
        best = i;
        tie = false;
      } else if (v[i] == v[best]) {
        tie = true;
      }
    }
    if (best < 0 || tie || (positiveOnly && !(v[best] > 0))) {
      return -1;
    }
    return best;
  }
}
