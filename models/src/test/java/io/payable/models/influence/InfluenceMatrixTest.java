package io.payable.models.influence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.models.Projection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Batch scoring against a naive reference of docs/attribution.md V2.6 step 2, written from the
 * text: in float, the query's entries rounded to float, entry j into accumulator j mod 8 in
 * ascending j (the last k mod 8 entries through zeroed accumulators of their own, as the reference
 * dot product adds them), combined pairwise. Scores must be equal bit for bit, sign of zero
 * included.
 */
class InfluenceMatrixTest {

  @Property(tries = 60)
  void batchScoresEqualTheSpecsSumBitForBit(
      @ForAll @IntRange(min = 1, max = 150) int dimension,
      @ForAll @IntRange(min = 0, max = 100) int examples,
      @ForAll @IntRange(min = 1, max = 5) int queries,
      @ForAll @IntRange(min = 1, max = 40) int tileWidth,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    List<float[]> sketches = new ArrayList<>();
    for (int n = 0; n < examples; n++) {
      sketches.add(values(rnd, dimension));
    }
    double[][] q = new double[queries][];
    for (int b = 0; b < queries; b++) {
      float[] f = values(rnd, dimension);
      q[b] = new double[dimension];
      for (int j = 0; j < dimension; j++) {
        // Preconditioned queries are doubles with full mantissas.
        q[b][j] = f[j] * (1 + rnd.nextDouble());
      }
    }
    // Narrow tiles: several per matrix, a partial last one, and inner loops shorter than a vector.
    double[][] got = InfluenceMatrix.of(dimension, sketches, tileWidth).scores(q);
    assertThat(got).hasNumberOfRows(queries);
    for (int b = 0; b < queries; b++) {
      assertThat(got[b]).hasSize(examples);
      for (int n = 0; n < examples; n++) {
        double want = reference(q[b], bf16(sketches.get(n)));
        assertThat(Double.doubleToRawLongBits(got[b][n]))
            .as("query %d example %d: %s vs %s", b, n, got[b][n], want)
            .isEqualTo(Double.doubleToRawLongBits(want));
      }
    }
  }

  @Test
  void scoresOfAStoreEqualItsPerExampleScores(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    SketchLayout layout =
        SketchLayout.defaults(
            List.of(
                new SketchLayout.Adapted(0, Projection.Q_PROJ, 4, 64, 64),
                new SketchLayout.Adapted(1, Projection.DOWN_PROJ, 4, 128, 64)),
            2048);
    Random rnd = new Random(3);
    List<float[]> sketches = new ArrayList<>();
    List<ExampleProvenance> prov = new ArrayList<>();
    // Three tiles of the default width, the last one partial.
    for (int n = 0; n < 2 * InfluenceMatrix.TILE + 70; n++) {
      float[] s = new float[layout.dimension()];
      for (int j = 0; j < s.length; j++) {
        s[j] = (float) rnd.nextGaussian();
      }
      sketches.add(s);
      prov.add(new ExampleProvenance(List.of(new ExampleProvenance.Piece("c" + n, "0xa", 3))));
    }
    Path file = Files.createTempFile(dir, "store", ".bin");
    InfluenceStore.write(file, layout, new byte[32], 0.1, sketches, prov);
    InfluenceStore store = InfluenceStore.open(file);
    double[] q = store.preconditioner().precondition(sketches.get(5));
    double[] p = store.preconditioner().precondition(sketches.get(9));
    double[][] got = InfluenceMatrix.of(store).scores(new double[][] {q, p, q});
    assertThat(got[0]).isEqualTo(store.scores(q));
    assertThat(got[1]).isEqualTo(store.scores(p));
    assertThat(got[2]).isEqualTo(got[0]);
  }

  @Test
  void refusesAQueryOfAnotherDimension() {
    InfluenceMatrix m = InfluenceMatrix.of(3, List.of(new float[] {1, 2, 3}));
    assertThatThrownBy(() -> m.scores(new double[][] {{1, 2}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension 2");
  }

  /** The spec's sum, one entry at a time, in float: q rounded to float, product, then sum. */
  private static double reference(double[] q, float[] s) {
    int k = q.length;
    int whole = k - k % 8;
    float[] a = new float[8];
    for (int j = 0; j < whole; j++) {
      float product = (float) q[j] * s[j];
      a[j % 8] = a[j % 8] + product;
    }
    float[] tail = new float[8];
    for (int j = whole; j < k; j++) {
      float product = (float) q[j] * s[j];
      tail[j % 8] = tail[j % 8] + product;
    }
    for (int r = 0; r < 8; r++) {
      a[r] = a[r] + tail[r];
    }
    float sum = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    return sum;
  }

  private static float[] bf16(float[] s) {
    float[] out = new float[s.length];
    for (int j = 0; j < s.length; j++) {
      out[j] = Bfloat16.decode(Bfloat16.encode(s[j]));
    }
    return out;
  }

  /** Mixed magnitudes, signs and exact zeros, so that rounding order shows. */
  private static float[] values(Random rnd, int d) {
    float[] v = new float[d];
    for (int j = 0; j < d; j++) {
      int kind = rnd.nextInt(10);
      v[j] =
          kind == 0
              ? 0f
              : kind == 1 ? -0f : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
    }
    return v;
  }
}
