package io.payable.models.influence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.payable.models.Projection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Sketch, preconditioner, score and contributor aggregation of version 2 against a naive reference
 * on small random problems: dense LoRA gradients formed from the activations, one explicit
 * projection matrix, the preconditioner as one full matrix inverted by Gauss-Jordan elimination.
 */
class InfluenceScoringPropertyTest {

  /** A random problem: adapted projections, examples with activations and provenance, a query. */
  private record Problem(
      SketchLayout layout,
      byte[] seed,
      List<List<LoraActivations>> examples,
      List<ExampleProvenance> provenance,
      List<LoraActivations> query) {}

  private static Problem problem(long seed, boolean queryIsExample) {
    Random rnd = new Random(seed);
    int pairs = 1 + rnd.nextInt(2);
    List<SketchLayout.Adapted> adapted = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      adapted.add(
          new SketchLayout.Adapted(
              i,
              Projection.values()[rnd.nextInt(7)],
              1 + rnd.nextInt(3),
              2 + rnd.nextInt(4),
              2 + rnd.nextInt(4)));
    }
    SketchLayout layout = SketchLayout.defaults(adapted, 2 * pairs * (1 + rnd.nextInt(9)));
    float[][] a = new float[pairs][];
    float[][] b = new float[pairs][];
    double[] scaling = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      SketchLayout.Adapted p = adapted.get(i);
      a[i] = random(rnd, p.rank() * p.in());
      b[i] = random(rnd, p.out() * p.rank());
      scaling[i] = 0.5 + rnd.nextDouble() * 2;
    }
    int n = 2 + rnd.nextInt(6);
    List<List<LoraActivations>> examples = new ArrayList<>();
    List<ExampleProvenance> provenance = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      examples.add(activations(rnd, adapted, a, b, scaling));
      List<ExampleProvenance.Piece> pieces = new ArrayList<>();
      int count = 1 + rnd.nextInt(3);
      for (int c = 0; c < count; c++) {
        pieces.add(
            new ExampleProvenance.Piece("c" + e + "." + c, "0x" + rnd.nextInt(4), rnd.nextInt(5)));
      }
      provenance.add(new ExampleProvenance(pieces));
    }
    List<LoraActivations> query =
        queryIsExample ? examples.get(rnd.nextInt(n)) : activations(rnd, adapted, a, b, scaling);
    byte[] s = new byte[32];
    rnd.nextBytes(s);
    return new Problem(layout, s, examples, provenance, query);
  }

  private static List<LoraActivations> activations(
      Random rnd, List<SketchLayout.Adapted> adapted, float[][] a, float[][] b, double[] scaling) {
    int tokens = 1 + rnd.nextInt(3);
    List<LoraActivations> out = new ArrayList<>();
    for (int i = 0; i < adapted.size(); i++) {
      SketchLayout.Adapted p = adapted.get(i);
      out.add(
          new LoraActivations(
              tokens,
              random(rnd, tokens * p.in()),
              random(rnd, tokens * p.out()),
              a[i],
              b[i],
              p.rank(),
              scaling[i]));
    }
    return out;
  }

  private static float[] random(Random rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  // ---- naive reference ----

  /** The dense LoRA gradient, A's then B's entries of every pair, in double. */
  private static double[] dense(List<LoraActivations> pairs, SketchLayout layout) {
    List<Double> g = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      LoraActivations p = pairs.get(i);
      int r = p.rank();
      int in = layout.factors().get(2 * i).cols();
      int out = layout.factors().get(2 * i + 1).rows();
      double[] da = new double[r * in];
      double[] db = new double[out * r];
      for (int t = 0; t < p.tokens(); t++) {
        for (int q = 0; q < r; q++) {
          double btg = 0;
          double ax = 0;
          for (int o = 0; o < out; o++) {
            btg += p.b()[o * r + q] * (double) p.g()[t * out + o];
          }
          for (int c = 0; c < in; c++) {
            ax += p.a()[q * in + c] * (double) p.x()[t * in + c];
          }
          for (int c = 0; c < in; c++) {
            da[q * in + c] += p.scaling() * btg * p.x()[t * in + c];
          }
          for (int o = 0; o < out; o++) {
            db[o * r + q] += p.scaling() * p.g()[t * out + o] * ax;
          }
        }
      }
      for (double v : da) {
        g.add(v);
      }
      for (double v : db) {
        g.add(v);
      }
    }
    return g.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The whole projection as one matrix [dimension, parameters]: block-diagonal Kronecker. */
  private static double[][] projection(SketchLayout layout, byte[] seed) {
    int params = 0;
    for (SketchFactor f : layout.factors()) {
      params += f.rows() * f.cols();
    }
    double[][] pi = new double[layout.dimension()][params];
    int col = 0;
    for (int f = 0; f < layout.factors().size(); f++) {
      SketchFactor fac = layout.factors().get(f);
      float[] po =
          SeededProjection.rademacher(
              SeededProjection.seed(seed, fac.name(), "out"), fac.kOut(), fac.rows());
      float[] pin =
          SeededProjection.rademacher(
              SeededProjection.seed(seed, fac.name(), "in"), fac.kIn(), fac.cols());
      double scale = 1 / Math.sqrt(fac.kOut() * fac.kIn());
      for (int i = 0; i < fac.kOut(); i++) {
        for (int j = 0; j < fac.kIn(); j++) {
          for (int r = 0; r < fac.rows(); r++) {
            for (int c = 0; c < fac.cols(); c++) {
              pi[layout.offset(f) + i * fac.kIn() + j][col + r * fac.cols() + c] =
                  po[i * fac.rows() + r] * pin[j * fac.cols() + c] * scale;
            }
          }
        }
      }
      col += fac.rows() * fac.cols();
    }
    return pi;
  }

  private static double[] times(double[][] m, double[] v) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < v.length; j++) {
        out[i] += m[i][j] * v[j];
      }
    }
    return out;
  }

  /** Gauss-Jordan elimination with partial pivoting. */
  private static double[][] inverse(double[][] m) {
    int d = m.length;
    double[][] a = new double[d][2 * d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(m[i], 0, a[i], 0, d);
      a[i][d + i] = 1;
    }
    for (int c = 0; c < d; c++) {
      int piv = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
          piv = r;
        }
      }
      double[] tmp = a[c];
      a[c] = a[piv];
      a[piv] = tmp;
      double p = a[c][c];
      for (int j = 0; j < 2 * d; j++) {
        a[c][j] /= p;
      }
      for (int r = 0; r < d; r++) {
        if (r != c && a[r][c] != 0) {
          double f = a[r][c];
          for (int j = 0; j < 2 * d; j++) {
            a[r][j] -= f * a[c][j];
          }
        }
      }
    }
    double[][] inv = new double[d][d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(a[i], d, inv[i], 0, d);
    }
    return inv;
  }

  /** Reference scores: (P g_q)^T H^-1 (P g_n) with H block-diagonal, built and inverted whole. */
  private static double[] referenceScores(Problem pb) {
    SketchLayout layout = pb.layout();
    double[][] pi = projection(layout, pb.seed());
    List<double[]> s = new ArrayList<>();
    for (List<LoraActivations> e : pb.examples()) {
      s.add(times(pi, dense(e, layout)));
    }
    int d = layout.dimension();
    double[][] h = new double[d][d];
    for (int f = 0; f < layout.factors().size(); f++) {
      int from = layout.offset(f);
      int to = from + layout.factors().get(f).size();
      double trace = 0;
      for (int i = from; i < to; i++) {
        for (int j = from; j < to; j++) {
          for (double[] sn : s) {
            h[i][j] += sn[i] * sn[j] / s.size();
          }
        }
        trace += h[i][i];
      }
      double lambda = trace > 0 ? 0.1 * trace / (to - from) : 1;
      for (int i = from; i < to; i++) {
        h[i][i] += lambda;
      }
    }
    double[] hq = times(inverse(h), times(pi, dense(pb.query(), layout)));
    double[] scores = new double[s.size()];
    for (int n = 0; n < s.size(); n++) {
      for (int i = 0; i < d; i++) {
        scores[n] += hq[i] * s.get(n)[i];
      }
    }
    return scores;
  }

  // ---- implementation ----

  private static double[] scores(Problem pb) {
    GradientSketcher sketcher = GradientSketcher.of(pb.layout(), pb.seed());
    List<float[]> sketches = new ArrayList<>();
    for (List<LoraActivations> e : pb.examples()) {
      sketches.add(sketcher.sketchOfActivations(e));
    }
    BlockPreconditioner pre =
        BlockPreconditioner.fit(pb.layout(), sketches, BlockPreconditioner.DEFAULT_DAMPING);
    double[] q = pre.precondition(sketcher.sketchOfActivations(pb.query()));
    int k = pb.layout().dimension();
    float[] flat = new float[sketches.size() * k];
    for (int n = 0; n < sketches.size(); n++) {
      System.arraycopy(sketches.get(n), 0, flat, n * k, k);
    }
    return InfluenceScorer.scores(q, flat, sketches.size());
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  @Property(tries = 300)
  void scoresMatchTheDenseReference(@ForAll long seed) {
    Problem pb = problem(seed, false);
    double[] want = referenceScores(pb);
    double[] got = scores(pb);
    double tol = 1e-4 * maxAbs(want);
    for (int n = 0; n < want.length; n++) {
      assertThat(got[n]).as("example %d", n).isCloseTo(want[n], offset(tol));
    }
  }

  @Property(tries = 200)
  void anExampleEqualToTheOutputHasPositiveInfluence(@ForAll long seed) {
    Problem pb = problem(seed, true);
    double[] got = scores(pb);
    int self = pb.examples().indexOf(pb.query());
    double[] ref = referenceScores(pb);
    // A training example's gradient equal to the output's: H^-1 positive definite, so q.H^-1.q > 0
    // whenever the sketch is not zero.
    if (ref[self] != 0) {
      assertThat(got[self]).isPositive();
    }
  }

  @Property(tries = 300)
  void contributorWeightsSumPositiveInfluenceByTargetTokens(@ForAll long seed) {
    Problem pb = problem(seed, false);
    double[] want = referenceScores(pb);
    Map<String, Double> ref = new TreeMap<>();
    for (int n = 0; n < want.length; n++) {
      double total = 0;
      for (ExampleProvenance.Piece p : pb.provenance().get(n).pieces()) {
        total += p.targetTokens();
      }
      for (ExampleProvenance.Piece p : pb.provenance().get(n).pieces()) {
        if (want[n] > 0 && p.targetTokens() > 0) {
          ref.merge(p.contributor(), want[n] * p.targetTokens() / total, Double::sum);
        }
      }
    }
    Map<String, Double> got = ContributorInfluence.rawWeights(scores(pb), pb.provenance());
    // Scores within 1e-4 of the largest may change sign only when they are about that small.
    double tol = 1e-4 * maxAbs(want) * want.length + 1e-300;
    for (String c : union(ref, got)) {
      assertThat(got.getOrDefault(c, 0.0))
          .as("contributor %s", c)
          .isCloseTo(ref.getOrDefault(c, 0.0), offset(tol));
    }
    assertThat(got.values()).allSatisfy(w -> assertThat(w).isPositive());
  }

  private static List<String> union(Map<String, Double> a, Map<String, Double> b) {
    TreeMap<String, Double> u = new TreeMap<>(a);
    u.putAll(b);
    return new ArrayList<>(u.keySet());
  }
}
