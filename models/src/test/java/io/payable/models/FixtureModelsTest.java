package io.payable.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture model, base and each adapter, against transformers + PEFT: logits of the last
 * position and of every position within 1e-4, greedy 16-token continuations identical (prefill then
 * one cached token per step), and one step over the mixed-adapter batch equal to the reference's
 * {@code mixed.logits}.
 */
class FixtureModelsTest {
  /**
   * The fixtures' stated f32 agreement. The GPU check (bench/lora/gpu-check.sh) runs this class on
   * a CUDA device in float16 with its own, stated tolerance through these properties.
   */
  private static final float TOLERANCE =
      Float.parseFloat(System.getProperty("payable.models.tolerance", "1e-4"));

  private static final ai.djl.Device DEVICE =
      "gpu".equals(System.getProperty("payable.models.device"))
          ? ai.djl.Device.gpu()
          : ai.djl.Device.cpu();

  private static final ai.djl.ndarray.types.DataType DTYPE =
      "float16".equals(System.getProperty("payable.models.dtype"))
          ? ai.djl.ndarray.types.DataType.FLOAT16
          : ai.djl.ndarray.types.DataType.FLOAT32;

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    Engines.pytorch();
    manager = Engines.newManager(DEVICE);
  }

  @AfterAll
  static void close() {
    LOADED.values().forEach(Loaded::close);
    manager.close();
  }

  /** Each model loaded once for all tests. */
  private static final Map<String, Loaded> LOADED = new java.util.HashMap<>();

  static List<String> models() {
    return Fixtures.MODELS;
  }

  private record Loaded(CausalLm model, List<String> adapters) implements AutoCloseable {
    int slot(String tag) {
      return tag.equals("base") || tag.equals("__base__") ? Segment.BASE : adapters.indexOf(tag);
    }

    @Override
    public void close() {
      model.close();
    }
  }

  private static Loaded load(String name) {
    return LOADED.computeIfAbsent(name, FixtureModelsTest::read);
  }

  private static Loaded read(String name) {
    List<String> adapters = Fixtures.adapters(name);
    CausalLm model =
        CausalLm.load(
            Fixtures.dir(name).resolve("base"),
            manager,
            new LoadOptions(DEVICE, DTYPE, adapters.size(), 16));
    for (int i = 0; i < adapters.size(); i++) {
      Path dir = Fixtures.dir(name).resolve("adapters").resolve(adapters.get(i));
      model.writeSlot(i, PeftAdapter.read(dir, model.config()));
    }
    return new Loaded(model, adapters);
  }

  @ParameterizedTest
  @MethodSource("models")
  void logitsMatchTransformers(String name) {
    JsonNode ref = Fixtures.reference(name);
    Map<String, Tensor> expected = Fixtures.logits(name);
    Loaded m = load(name);
    List<String> tags = new ArrayList<>(List.of("base"));
    tags.addAll(m.adapters());
    int checked = 0;
    for (String tag : tags) {
      for (int i = 0; i < ref.get("prompts").size(); i++) {
        int[] prompt = Fixtures.ints(ref.get("prompts").get(i));
        Tensor all = expected.get(tag + ".prompt" + i + ".all");
        try (Sequence seq = m.model().newSequence()) {
          float[][] got =
              m.model().forward(List.of(new Segment(seq, prompt, m.slot(tag))), all != null);
          assertClose(
              name + " " + tag + " prompt " + i + " last",
              got[got.length - 1],
              expected.get(tag + ".prompt" + i + ".last").data());
          if (all != null) {
            assertClose(name + " " + tag + " prompt " + i + " all", flat(got), all.data());
          }
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(tags.size() * ref.get("prompts").size());
  }

  @ParameterizedTest
  @MethodSource("models")
  void greedyContinuationsMatchTransformers(String name) {
    JsonNode ref = Fixtures.reference(name);
    Loaded m = load(name);
    for (var e : (Iterable<Map.Entry<String, JsonNode>>) () -> ref.get("greedy").fields()) {
      String tag = e.getKey();
      for (int i = 0; i < ref.get("prompts").size(); i++) {
        int[] prompt = Fixtures.ints(ref.get("prompts").get(i));
        int[] want = Fixtures.ints(e.getValue().get(i));
        assertThat(greedy(m.model(), prompt, m.slot(tag), want.length))
            .as("%s %s prompt %d", name, tag, i)
            .containsExactly(want);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void mixedBatchMatchesTransformers(String name) {
    JsonNode mixed = Fixtures.reference(name).get("mixed_batch");
    if (mixed == null) {
      assertThat(Fixtures.adapters(name)).isEmpty();
      return;
    }
    Tensor expected = Fixtures.logits(name).get("mixed.logits");
    boolean allPositions = expected.shape().length == 3;
    Loaded m = load(name);
    List<Segment> segments = new ArrayList<>();
    List<Sequence> seqs = new ArrayList<>();
    for (int r = 0; r < mixed.get("rows").size(); r++) {
      Sequence seq = m.model().newSequence();
      seqs.add(seq);
      segments.add(
          new Segment(
              seq,
              Fixtures.ints(mixed.get("rows").get(r)),
              m.slot(mixed.get("adapter_per_row").get(r).asText())));
    }
    float[][] got = m.model().forward(segments, allPositions);
    assertClose(name + " mixed batch", flat(got), expected.data());
    seqs.forEach(Sequence::close);
  }

  static int[] greedy(CausalLm model, int[] prompt, int slot, int n) {
    int[] out = new int[n];
    try (Sequence seq = model.newSequence()) {
      int[] next = prompt;
      for (int i = 0; i < n; i++) {
        float[] logits = model.forward(List.of(new Segment(seq, next, slot)), false)[0];
        out[i] = argmax(logits);
        next = new int[] {out[i]};
      }
    }
    return out;
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static float[] flat(float[][] rows) {
    float[] out = new float[Arrays.stream(rows).mapToInt(r -> r.length).sum()];
    int o = 0;
    for (float[] r : rows) {
      System.arraycopy(r, 0, out, o, r.length);
      o += r.length;
    }
    return out;
  }

  static void assertClose(String what, float[] got, float[] want) {
    assertThat(got.length).as(what + " length").isEqualTo(want.length);
    float worst = 0;
    int at = -1;
    for (int i = 0; i < got.length; i++) {
      float d = Math.abs(got[i] - want[i]);
      if (!(d <= worst)) {
        worst = d;
        at = i;
      }
    }
    assertThat(worst).as("%s: max |diff| at %d", what, at).isLessThanOrEqualTo(TOLERANCE);
  }
}
