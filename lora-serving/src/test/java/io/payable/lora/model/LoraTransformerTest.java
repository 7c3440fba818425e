package io.payable.lora.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.InvalidAdapterException;
import io.payable.lora.adapter.LoraAdapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTransformerTest {

  static final ModelConfig CONFIG = new ModelConfig("tiny", 257, 32, 2, 4, 64, 64, 1e-5);
  static final List<List<String>> TARGETS =
      List.of(
          ModelConfig.TARGET_MODULES,
          List.of("q_proj", "v_proj"),
          List.of("k_proj", "o_proj", "up_proj", "down_proj"),
          ModelConfig.TARGET_MODULES,
          List.of("down_proj"),
          List.of("q_proj", "k_proj", "v_proj", "o_proj"));
  static final int[] RANKS = {8, 2, 4, 1, 8, 3};

  @TempDir static Path dir;
  static NDManager manager;
  static Map<String, Tensor> base;
  static List<LoraAdapter> adapters = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    manager = Engines.newManager();
    SyntheticModels.writeBase(dir.resolve("base"), CONFIG, 1);
    base = Safetensors.read(dir.resolve("base").resolve(ModelConfig.WEIGHTS));
    for (int i = 0; i < RANKS.length; i++) {
      Path a = dir.resolve("adapters").resolve("a" + i);
      SyntheticModels.writeAdapter(
          a, CONFIG, RANKS[i], 2.0 * RANKS[i] + i, TARGETS.get(i), 100 + i);
      AdapterDescriptor d = AdapterFiles.describe("a" + i, a, CONFIG, 8);
      adapters.add(AdapterFiles.load(d, CONFIG));
    }
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  static int[] randomTokens(SplittableRandom rnd, int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = rnd.nextInt(256);
    }
    return t;
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

  static float maxDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** Prefill then greedy decode steps; returns logits of every step for each request. */
  static List<List<float[]>> run(
      LoraTransformer model, List<int[]> prompts, int[] slots, int steps) {
    List<Sequence> seqs = new ArrayList<>();
    List<List<float[]>> out = new ArrayList<>();
    List<int[]> next = new ArrayList<>(prompts);
    for (int i = 0; i < prompts.size(); i++) {
      seqs.add(model.newSequence());
      out.add(new ArrayList<>());
    }
    for (int s = 0; s <= steps; s++) {
      List<Segment> segs = new ArrayList<>();
      for (int i = 0; i < seqs.size(); i++) {
        segs.add(new Segment(seqs.get(i), next.get(i), slots[i]));
      }
      float[][] logits = model.forward(segs);
      for (int i = 0; i < seqs.size(); i++) {
        out.get(i).add(logits[i]);
        next.set(i, new int[] {argmax(logits[i])});
      }
    }
    seqs.forEach(Sequence::close);
    return out;
  }

  @Test
  void mixedBatchMatchesSoloRunsAndMergedWeights() {
    SplittableRandom rnd = new SplittableRandom(7);
    try (LoraTransformer model = new LoraTransformer(CONFIG, base, manager, adapters.size(), 8)) {
      for (int i = 0; i < adapters.size(); i++) {
        model.writeSlot(i, adapters.get(i));
      }
      // Two requests per adapter plus base-model requests, in a shuffled order.
      List<int[]> prompts = new ArrayList<>();
      List<Integer> slotList = new ArrayList<>();
      for (int rep = 0; rep < 2; rep++) {
        for (int i = -1; i < adapters.size(); i++) {
          prompts.add(randomTokens(rnd, 1 + rnd.nextInt(7)));
          slotList.add(i);
        }
      }
      int[] slots = slotList.stream().mapToInt(Integer::intValue).toArray();
      List<List<float[]>> mixed = run(model, prompts, slots, 4);

      float worstSolo = 0;
      float worstMerged = 0;
      for (int r = 0; r < prompts.size(); r++) {
        List<float[]> solo = run(model, List.of(prompts.get(r)), new int[] {slots[r]}, 4).get(0);
        Map<String, Tensor> weights =
            slots[r] < 0 ? base : LoraMerge.merge(base, adapters.get(slots[r]));
        List<float[]> merged;
        try (LoraTransformer m = new LoraTransformer(CONFIG, weights, manager, 1, 1)) {
          merged = run(m, List.of(prompts.get(r)), new int[] {Segment.BASE}, 4).get(0);
        }
        for (int s = 0; s < solo.size(); s++) {
          worstSolo = Math.max(worstSolo, maxDiff(mixed.get(r).get(s), solo.get(s)));
          worstMerged = Math.max(worstMerged, maxDiff(mixed.get(r).get(s), merged.get(s)));
        }
      }
      assertThat(worstSolo).isLessThan(1e-4f);
      assertThat(worstMerged).isLessThan(1e-3f);
      // The adapters really change the output (otherwise the comparison proves nothing).
      assertThat(maxDiff(mixed.get(0).get(0), mixed.get(1).get(0))).isGreaterThan(0f);
      List<float[]> baseOnly = run(model, List.of(prompts.get(1)), new int[] {-1}, 0).get(0);
      assertThat(maxDiff(baseOnly.get(0), mixed.get(1).get(0))).isGreaterThan(1e-2f);
    }
  }

  @Test
  void greedyDecodingIsDeterministic() {
    try (LoraTransformer model = new LoraTransformer(CONFIG, base, manager, 2, 8)) {
      model.writeSlot(0, adapters.get(0));
      model.writeSlot(1, adapters.get(2));
      int[] prompt = randomTokens(new SplittableRandom(3), 5);
      List<int[]> prompts = List.of(prompt, prompt, prompt);
      List<List<float[]>> a = run(model, prompts, new int[] {0, 1, -1}, 8);
      List<List<float[]>> b = run(model, prompts, new int[] {0, 1, -1}, 8);
      for (int r = 0; r < 3; r++) {
        for (int s = 0; s < a.get(r).size(); s++) {
          assertThat(argmax(a.get(r).get(s))).isEqualTo(argmax(b.get(r).get(s)));
        }
      }
    }
  }

  @Test
  void reusedSlotGivesTheNewAdapter() {
    try (LoraTransformer model = new LoraTransformer(CONFIG, base, manager, 1, 8)) {
      int[] prompt = {1, 2, 3};
      model.writeSlot(0, adapters.get(0));
      float[] first = run(model, List.of(prompt), new int[] {0}, 0).get(0).get(0);
      model.writeSlot(0, adapters.get(5));
      float[] second = run(model, List.of(prompt), new int[] {0}, 0).get(0).get(0);
      try (LoraTransformer m =
          new LoraTransformer(CONFIG, LoraMerge.merge(base, adapters.get(5)), manager, 1, 1)) {
        float[] merged = run(m, List.of(prompt), new int[] {-1}, 0).get(0).get(0);
        assertThat(maxDiff(second, merged)).isLessThan(1e-3f);
      }
      assertThat(maxDiff(first, second)).isGreaterThan(1e-3f);
    }
  }

  @Test
  void adapterValidationGivesClearErrors() throws Exception {
    Path bad = dir.resolve("bad");
    ModelConfig wider = new ModelConfig("wide", 257, 48, 2, 4, 64, 64, 1e-5);
    SyntheticModels.writeAdapter(bad, wider, 4, 8, List.of("q_proj"), 9);
    assertThatThrownBy(() -> AdapterFiles.describe("bad", bad, CONFIG, 8))
        .isInstanceOf(InvalidAdapterException.class)
        .hasMessageContaining("q_proj")
        .hasMessageContaining("shape");
    Path deep = dir.resolve("deep");
    ModelConfig deeper = new ModelConfig("deep", 257, 32, 3, 4, 64, 64, 1e-5);
    SyntheticModels.writeAdapter(deep, deeper, 4, 8, List.of("q_proj"), 9);
    assertThatThrownBy(() -> AdapterFiles.describe("deep", deep, CONFIG, 8))
        .hasMessageContaining("layer 2");
    Path rank = dir.resolve("rank");
    SyntheticModels.writeAdapter(rank, CONFIG, 16, 8, List.of("q_proj"), 9);
    assertThatThrownBy(() -> AdapterFiles.describe("rank", rank, CONFIG, 8))
        .hasMessageContaining("rank 16");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> AdapterFiles.describe("empty", empty, CONFIG, 8))
        .hasMessageContaining("adapter_config.json");
  }
}
