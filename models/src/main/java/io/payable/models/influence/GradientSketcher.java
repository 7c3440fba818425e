package io.payable.models.influence;

import java.util.List;

/**
 * LoGra-style sketches of LoRA gradients (docs/attribution.md, version 2, 2): per LoRA matrix
 * {@code G} [rows, cols], the block {@code P_out G P_in^T / sqrt(kOut kIn)} with the seeded
 * Rademacher matrices of {@link SeededProjection}. Because {@code G = sum_t o_t i_t^T}, the block
 * is {@code sum_t (P_out o_t)(P_in i_t)^T / sqrt(kOut kIn)}: computed from a pass's activations it
 * never forms G. Immutable and thread-safe.
 */
public final class GradientSketcher {
  private final SketchLayout layout;
  private final float[][] pOut;
  private final float[][] pIn;
  private final double[] scale;

  private GradientSketcher(SketchLayout layout, byte[] adapterSeed) {
    this.layout = layout;
    int n = layout.factors().size();
    this.pOut = new float[n][];
    this.pIn = new float[n][];
    this.scale = new double[n];
    for (int f = 0; f < n; f++) {
      SketchFactor fac = layout.factors().get(f);
      pOut[f] =
          SeededProjection.rademacher(
              SeededProjection.seed(adapterSeed, fac.name(), "out"), fac.kOut(), fac.rows());
      pIn[f] =
          SeededProjection.rademacher(
              SeededProjection.seed(adapterSeed, fac.name(), "in"), fac.kIn(), fac.cols());
      scale[f] = 1.0 / StrictMath.sqrt((double) fac.kOut() * fac.kIn());
    }
  }

  /** A sketcher for the layout, with the adapter's 32-byte projection seed. */
  public static GradientSketcher of(SketchLayout layout, byte[] adapterSeed) {
    if (adapterSeed.length != 32) {
      throw new IllegalArgumentException(
          "the projection seed is 32 bytes, got " + adapterSeed.length);
    }
    return new GradientSketcher(layout, adapterSeed.clone());
  }

  public SketchLayout layout() {
    return layout;
  }

  /**
   * The sketch of materialised gradients, one row-major {@code rows x cols} array per factor in
   * layout order: the reference the activation path must equal.
   */
  public float[] sketchOfGradients(List<float[]> grads) {
    List<SketchFactor> fs = layout.factors();
    if (grads.size() != fs.size()) {
      throw new IllegalArgumentException(
          "expected " + fs.size() + " gradients, got " + grads.size());
    }
    float[] out = new float[layout.dimension()];
    for (int f = 0; f < fs.size(); f++) {
      SketchFactor fac = fs.get(f);
      float[] g = grads.get(f);
      if (g.length != fac.rows() * fac.cols()) {
        throw new IllegalArgumentException("gradient of " + fac.name() + " has the wrong size");
      }
      // T = G P_in^T [rows, kIn], then P_out T.
      double[] t = new double[fac.rows() * fac.kIn()];
      for (int r = 0; r < fac.rows(); r++) {
        for (int j = 0; j < fac.kIn(); j++) {
          double s = 0;
          for (int c = 0; c < fac.cols(); c++) {
            s += (double) g[r * fac.cols() + c] * pIn[f][j * fac.cols() + c];
          }
          t[r * fac.kIn() + j] = s;
        }
      }
      int at = layout.offset(f);
      for (int i = 0; i < fac.kOut(); i++) {
        for (int j = 0; j < fac.kIn(); j++) {
          double s = 0;
          for (int r = 0; r < fac.rows(); r++) {
            s += pOut[f][i * fac.rows() + r] * t[r * fac.kIn() + j];
          }
          out[at + i * fac.kIn() + j] = (float) (s * scale[f]);
        }
      }
    }
    return out;
  }

  /**
   * The sketch of one pass's LoRA gradient from its activations, one entry per adapted projection
   * in layout order (factor {@code 2i} is pair i's A, {@code 2i + 1} its B).
   */
  public float[] sketchOfActivations(List<LoraActivations> pairs) {
    List<SketchFactor> fs = layout.factors();
    if (2 * pairs.size() != fs.size()) {
      throw new IllegalArgumentException(
          "expected " + fs.size() / 2 + " adapted projections, got " + pairs.size());
    }
    float[] out = new float[layout.dimension()];
    for (int i = 0; i < pairs.size(); i++) {
      LoraActivations p = pairs.get(i);
      SketchFactor fa = fs.get(2 * i);
      SketchFactor fb = fs.get(2 * i + 1);
      int r = p.rank();
      int in = fa.cols();
      int outDim = fb.rows();
      int t = p.tokens();
      // Per token: A's input x_t and output gradient s B^T g_t; B's input A x_t and output s g_t.
      double[] aOut = new double[t * r];
      double[] bIn = new double[t * r];
      double[] bOut = new double[t * outDim];
      for (int tok = 0; tok < t; tok++) {
        for (int q = 0; q < r; q++) {
          double sb = 0;
          for (int o = 0; o < outDim; o++) {
            sb += (double) p.b()[o * r + q] * p.g()[tok * outDim + o];
          }
          aOut[tok * r + q] = p.scaling() * sb;
          double ax = 0;
          for (int c = 0; c < in; c++) {
            ax += (double) p.a()[q * in + c] * p.x()[tok * in + c];
          }
          bIn[tok * r + q] = ax;
        }
        for (int o = 0; o < outDim; o++) {
          bOut[tok * outDim + o] = p.scaling() * p.g()[tok * outDim + o];
        }
      }
      double[] xIn = new double[t * in];
      for (int k = 0; k < xIn.length; k++) {
        xIn[k] = p.x()[k];
      }
      block(2 * i, t, aOut, xIn, out);
      block(2 * i + 1, t, bOut, bIn, out);
    }
    return out;
  }

  /** Adds {@code sum_t (P_out o_t)(P_in i_t)^T * scale} into factor f's block. */
  private void block(int f, int tokens, double[] outVecs, double[] inVecs, float[] sketch) {
    SketchFactor fac = layout.factors().get(f);
    int rows = fac.rows();
    int cols = fac.cols();
    double[] po = project(pOut[f], fac.kOut(), rows, tokens, outVecs);
    double[] pi = project(pIn[f], fac.kIn(), cols, tokens, inVecs);
    int at = layout.offset(f);
    for (int i = 0; i < fac.kOut(); i++) {
      for (int j = 0; j < fac.kIn(); j++) {
        double s = 0;
        for (int tok = 0; tok < tokens; tok++) {
          s += po[tok * fac.kOut() + i] * pi[tok * fac.kIn() + j];
        }
        sketch[at + i * fac.kIn() + j] = (float) (s * scale[f]);
      }
    }
  }

  /** Rows of {@code vecs} [tokens, n] times {@code p^T} ([k, n]): [tokens, k]. */
  private static double[] project(float[] p, int k, int n, int tokens, double[] vecs) {
    double[] out = new double[tokens * k];
    for (int tok = 0; tok < tokens; tok++) {
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int c = 0; c < n; c++) {
          s += p[j * n + c] * vecs[tok * n + c];
        }
        out[tok * k + j] = s;
      }
    }
    return out;
  }
}
