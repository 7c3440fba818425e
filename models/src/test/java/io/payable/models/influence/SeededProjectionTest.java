package io.payable.models.influence;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.models.Projection;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SeededProjectionTest {

  /** SplittableRandom's nextLong is SplitMix64 (same gamma and mixer): an outside reference. */
  @Property(tries = 200)
  void signsAreTheBitsOfSplitMix64(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 9) int rows,
      @ForAll @IntRange(min = 1, max = 70) int cols) {
    float[] m = SeededProjection.rademacher(seed, rows, cols);
    SplittableRandom ref = new SplittableRandom(seed);
    long word = 0;
    for (int n = 0; n < rows * cols; n++) {
      if (n % 64 == 0) {
        word = ref.nextLong();
      }
      assertThat(m[n]).isEqualTo(((word >>> (n % 64)) & 1) == 1 ? -1f : 1f);
    }
  }

  @Test
  void seedsDifferBySideFactorAndAdapter() {
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    b[31] = 1;
    String q = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    String k = "base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight";
    List<Long> seeds =
        List.of(
            SeededProjection.seed(a, q, "out"),
            SeededProjection.seed(a, q, "in"),
            SeededProjection.seed(a, k, "out"),
            SeededProjection.seed(b, q, "out"));
    assertThat(seeds).doesNotHaveDuplicates();
    assertThat(SeededProjection.seed(a, q, "out")).isEqualTo(seeds.get(0));
  }

  @Test
  void defaultLayoutSplitsTheBudgetEvenly() {
    // A 1B Llama (16 layers, all seven projections, r 16): 224 matrices, k 2048 -> 9 each, 3x3.
    List<SketchLayout.Adapted> adapted = new ArrayList<>();
    for (int l = 0; l < 16; l++) {
      for (Projection p : Projection.values()) {
        adapted.add(new SketchLayout.Adapted(l, p, 16, 2048, 2048));
      }
    }
    SketchLayout big = SketchLayout.defaults(adapted, 2048);
    assertThat(big.dimension()).isEqualTo(224 * 9);
    assertThat(big.factors().get(0).kOut()).isEqualTo(3);
    // Rank 2 caps A's output side: b = 2048 / 2 = 1024, side 32 -> kOut 2, kIn 512.
    SketchLayout small =
        SketchLayout.defaults(
            List.of(new SketchLayout.Adapted(0, Projection.Q_PROJ, 2, 4096, 64)), 2048);
    assertThat(small.factors().get(0).kOut()).isEqualTo(2);
    assertThat(small.factors().get(0).kIn()).isEqualTo(512);
    assertThat(small.factors().get(1).kOut()).isEqualTo(32);
    assertThat(small.factors().get(1).kIn()).isEqualTo(2);
    assertThat(small.dimension()).isEqualTo(1024 + 64);
  }
}
