package io.payable.models.influence;

import java.util.List;

/**
 * The per-block damped Gauss-Newton preconditioner of version 2 (docs/attribution.md, version 2,
 * 3): for each factor block b of the layout, {@code H_b = (1/N) sum_n s_nb s_nb^T + lambda_b I}
 * over the N training sketches, with {@code lambda_b = damping * trace / d_b} (1 when the block is
 * all zero). It keeps {@code H_b^-1} rounded to float, as the influence store does, so a scorer
 * that reads the store computes what the writer did. Immutable.
 */
public final class BlockPreconditioner {
  /** The default damping: a tenth of the block's mean eigenvalue. */
  public static final double DEFAULT_DAMPING = 0.1;

  private final SketchLayout layout;
  private final float[][] inverses;

  private BlockPreconditioner(SketchLayout layout, float[][] inverses) {
    this.layout = layout;
    this.inverses = inverses;
  }

  /** A preconditioner read back from a store: one row-major {@code d_b x d_b} inverse per block. */
  public static BlockPreconditioner of(SketchLayout layout, List<float[]> inverses) {
    if (inverses.size() != layout.factors().size()) {
      throw new IllegalArgumentException(
          "expected " + layout.factors().size() + " blocks, got " + inverses.size());
    }
    float[][] inv = new float[inverses.size()][];
    for (int f = 0; f < inv.length; f++) {
      int d = layout.factors().get(f).size();
      if (inverses.get(f).length != d * d) {
        throw new IllegalArgumentException("block " + f + " must be " + d + "x" + d);
      }
      inv[f] = inverses.get(f).clone();
    }
    return new BlockPreconditioner(layout, inv);
  }

  /**
   * Fits the preconditioner to the training sketches, each of the layout's dimension. Sums run in
   * example order in double.
   */
  public static BlockPreconditioner fit(
      SketchLayout layout, List<float[]> sketches, double damping) {
    if (sketches.isEmpty()) {
      throw new IllegalArgumentException("a preconditioner needs at least one training sketch");
    }
    if (!(damping > 0) || Double.isInfinite(damping)) {
      throw new IllegalArgumentException("damping must be positive and finite: " + damping);
    }
    int n = sketches.size();
    float[][] inv = new float[layout.factors().size()][];
    for (int f = 0; f < inv.length; f++) {
      int d = layout.factors().get(f).size();
      int at = layout.offset(f);
      double[] h = new double[d * d];
      for (float[] s : sketches) {
        if (s.length != layout.dimension()) {
          throw new IllegalArgumentException(
              "sketch of dimension " + s.length + ", layout has " + layout.dimension());
        }
        for (int i = 0; i < d; i++) {
          double si = s[at + i];
          for (int j = 0; j < d; j++) {
            h[i * d + j] += si * s[at + j];
          }
        }
      }
      double trace = 0;
      for (int i = 0; i < d * d; i++) {
        h[i] /= n;
      }
      for (int i = 0; i < d; i++) {
        trace += h[i * d + i];
      }
      double lambda = trace > 0 ? damping * trace / d : 1.0;
      for (int i = 0; i < d; i++) {
        h[i * d + i] += lambda;
      }
      double[] hi = choleskyInverse(h, d);
      inv[f] = new float[d * d];
      for (int i = 0; i < d * d; i++) {
        inv[f][i] = (float) hi[i];
      }
    }
    return new BlockPreconditioner(layout, inv);
  }

  public SketchLayout layout() {
    return layout;
  }

  /** Block {@code f}'s inverse, row-major (a copy). */
  public float[] inverse(int f) {
    return inverses[f].clone();
  }

  /**
   * {@code H^-1 q}, block by block; entry i of a block is {@code sum_j M[i][j] q[j]} with j
   * ascending, in double.
   */
  public double[] precondition(float[] query) {
    if (query.length != layout.dimension()) {
      throw new IllegalArgumentException(
          "query sketch of dimension " + query.length + ", layout has " + layout.dimension());
    }
    double[] out = new double[query.length];
    for (int f = 0; f < inverses.length; f++) {
      int d = layout.factors().get(f).size();
      int at = layout.offset(f);
      float[] m = inverses[f];
      for (int i = 0; i < d; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += (double) m[i * d + j] * query[at + j];
        }
        out[at + i] = s;
      }
    }
    return out;
  }

  /** The inverse of a symmetric positive definite matrix by Cholesky, in double. */
  static double[] choleskyInverse(double[] a, int d) {
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * d + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * d + k] * l[j * d + k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalStateException("block is not positive definite");
          }
          l[i * d + i] = Math.sqrt(s);
        } else {
          l[i * d + j] = s / l[j * d + j];
        }
      }
    }
    // Columns of L^-1 by forward substitution, then (L^-1)^T L^-1.
    double[] li = new double[d * d];
    for (int c = 0; c < d; c++) {
      for (int i = c; i < d; i++) {
        double s = i == c ? 1.0 : 0.0;
        for (int k = c; k < i; k++) {
          s -= l[i * d + k] * li[k * d + c];
        }
        li[i * d + c] = s / l[i * d + i];
      }
    }
    double[] inv = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int k = i; k < d; k++) {
          s += li[k * d + i] * li[k * d + j];
        }
        inv[i * d + j] = s;
        inv[j * d + i] = s;
      }
    }
    return inv;
  }
}
