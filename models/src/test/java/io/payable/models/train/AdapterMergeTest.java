package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.payable.models.CausalLm;
import io.payable.models.Engines;
import io.payable.models.LoadOptions;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.Projection;
import io.payable.models.Segment;
import io.payable.models.Sequence;
import io.payable.models.SyntheticCheckpoints;
import io.payable.models.Tensor;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A merged base computes what the base with the adapter computes. */
class AdapterMergeTest {
  @TempDir Path dir;

  @Test
  void mergedWeightIsWPlusScaledBA() {
    // w = [[1, 2], [3, 4]], a = [[1, -1]], b = [[2], [0.5]], scaling 3:
    // b a = [[2, -2], [0.5, -0.5]], so w + 3 b a = [[7, -4], [4.5, 2.5]].
    Tensor w = new Tensor(new long[] {2, 2}, new float[] {1, 2, 3, 4});
    Tensor a = new Tensor(new long[] {1, 2}, new float[] {1, -1});
    Tensor b = new Tensor(new long[] {2, 1}, new float[] {2, 0.5f});
    assertThat(AdapterMerge.merged(w, a, b, 3).data()).containsExactly(7f, -4f, 4.5f, 2.5f);
  }

  @Test
  void mergedBaseLogitsEqualBasePlusAdapterLogits() throws Exception {
    SyntheticCheckpoints.Spec spec = new SyntheticCheckpoints.Spec(300, 32, 64, 2, 4, 2, 64);
    ModelConfig config = SyntheticCheckpoints.writeBase(dir.resolve("base"), spec, 1);
    SyntheticCheckpoints.writeAdapter(
        dir.resolve("adapter"), config, 4, 8, EnumSet.allOf(Projection.class), 2);
    AdapterMerge.merge(dir.resolve("base"), dir.resolve("adapter"), dir.resolve("merged"));

    int[] prompt = {5, 17, 42, 99, 3, 250, 7};
    int[] next = {11, 200, 64};
    try (NDManager m = Engines.newManager(Device.cpu());
        CausalLm base = CausalLm.load(dir.resolve("base"), m, LoadOptions.cpu(1, 4));
        CausalLm merged = CausalLm.load(dir.resolve("merged"), m, LoadOptions.cpu(0, 4));
        Sequence plain = base.newSequence();
        Sequence adapted = base.newSequence();
        Sequence folded = merged.newSequence()) {
      base.writeSlot(0, PeftAdapter.read(dir.resolve("adapter"), config));
      int[] tokens = prompt;
      for (int step = 0; step <= next.length; step++) {
        float[][] withAdapter =
            base.forward(
                List.of(new Segment(plain, tokens, Segment.BASE), new Segment(adapted, tokens, 0)),
                true);
        float[][] withMerged =
            merged.forward(List.of(new Segment(folded, tokens, Segment.BASE)), true);
        assertThat(withMerged.length).isEqualTo(withAdapter.length / 2);
        double changed = 0;
        for (int r = 0; r < withMerged.length; r++) {
          float[] expected = withAdapter[withMerged.length + r];
          float[] baseOnly = withAdapter[r];
          for (int v = 0; v < expected.length; v++) {
            assertThat(withMerged[r][v]).isCloseTo(expected[v], within(1e-4f));
            changed = Math.max(changed, Math.abs(expected[v] - baseOnly[v]));
          }
        }
        // The adapter moves the logits far beyond the tolerance, so equality is not trivial.
        assertThat(changed).isGreaterThan(0.1);
        if (step < next.length) {
          tokens = new int[] {next[step]};
        }
      }
    }
  }
}
