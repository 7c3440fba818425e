package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.models.Engines;
import io.payable.models.PeftAdapter;
import io.payable.models.Safetensors;
import io.payable.models.Tensor;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.GradientSketcher;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.influence.LoraActivations;
import io.payable.models.influence.SketchLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sketch of a training example computed from the trainer's activations (layer inputs and output
 * gradients, never the LoRA gradient) equals the seeded projection of PEFT's per-example gradients
 * of the same rows (hf/llama-gqa-tied/training.* {@code example<R>.grad.*}) within 1e-4 of the
 * sketch's largest entry.
 */
class GradientSketchReferenceTest {
  private static final double TOL = 1e-4;

  private static NDManager manager;
  private static LoraModel model;
  private static JsonNode meta;
  private static Map<String, Tensor> ref;
  private static LoraTrainingConfig cfg;

  @BeforeAll
  static void load() throws Exception {
    Path dir = Path.of(GradientSketchReferenceTest.class.getResource("/hf/llama-gqa-tied").toURI());
    meta = new ObjectMapper().readTree(dir.resolve("training.json").toFile());
    ref = new HashMap<>();
    Safetensors.read(dir.resolve("training.safetensors"))
        .forEach((k, v) -> ref.put(k.replace(".default.weight", ".weight"), v));
    manager = Engines.newManager(Device.cpu());
    model = LoraModel.load(dir.resolve("base"), manager, Device.cpu());
    cfg =
        LoraTrainingConfig.builder()
            .rank(meta.at("/lora/r").asInt())
            .alpha(meta.at("/lora/alpha").asDouble())
            .targetModules(new ObjectMapper().convertValue(meta.at("/lora/targets"), List.class))
            .build();
  }

  @AfterAll
  static void close() {
    model.close();
    manager.close();
  }

  private static List<TrainingSequence> batch() {
    List<TrainingSequence> rows = new ArrayList<>();
    for (JsonNode row : meta.get("batch")) {
      int[] ids = new int[row.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = row.get(i).asInt();
      }
      rows.add(TrainingSequence.of(ids));
    }
    return rows;
  }

  /** PEFT's weights with the given prefix: {@code init.} or {@code step3.}. */
  private static LoraState weights(String prefix) {
    Map<String, Tensor> w = new HashMap<>();
    ref.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            w.put(k.substring(prefix.length()), v);
          }
        });
    return LoraState.of(model.config(), cfg, w);
  }

  static SketchLayout layout(LoraState state, int k) {
    List<SketchLayout.Adapted> adapted = new ArrayList<>();
    for (LoraState.Pair p : state.pairs) {
      adapted.add(
          new SketchLayout.Adapted(
              p.layer(),
              p.projection(),
              (int) p.aShape()[0],
              (int) p.aShape()[1],
              (int) p.bShape()[0]));
    }
    return SketchLayout.defaults(adapted, k);
  }

  private static byte[] seed(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The same at PEFT's weights after three AdamW steps, against our per-example gradients (which
   * TrainingReferenceTest holds to PEFT's at the initial weights): a trained adapter's sketch.
   */
  @Test
  void sketchFromActivationsEqualsProjectedGradientsAfterThreeSteps() throws Exception {
    LoraState state = weights("step3.");
    GradientSketcher sketcher = GradientSketcher.of(layout(state, 2048), seed("other adapter"));
    List<List<LoraActivations>> acts = Gradients.perExampleActivations(model, state, cfg, batch());
    float[][][] grads = Gradients.perExample(model, state, cfg, batch());
    for (int r = 0; r < acts.size(); r++) {
      float[] want = sketcher.sketchOfGradients(java.util.Arrays.asList(grads[r]));
      assertBlocksClose(sketcher, r, want, sketcher.sketchOfActivations(acts.get(r)), true);
    }
  }

  private static void assertBlocksClose(
      GradientSketcher sketcher, int r, float[] want, float[] got, boolean everyBlockNonZero) {
    for (int f = 0; f < sketcher.layout().factors().size(); f++) {
      int from = sketcher.layout().offset(f);
      int to = from + sketcher.layout().factors().get(f).size();
      double blockMax = 0;
      double worst = 0;
      for (int j = from; j < to; j++) {
        blockMax = Math.max(blockMax, Math.abs(want[j]));
        worst = Math.max(worst, Math.abs(got[j] - want[j]));
      }
      String name = sketcher.layout().factors().get(f).name();
      if (everyBlockNonZero) {
        assertThat(blockMax).as("example %d, %s is not zero", r, name).isGreaterThan(0);
      }
      assertThat(worst).as("example %d, %s", r, name).isLessThanOrEqualTo(TOL * blockMax);
    }
  }

  /**
   * An adapter's influence store, written from its directory: the projection seed is the hash of
   * its weights file, and each stored sketch is the projection of PEFT's per-example gradient
   * rounded to bfloat16.
   */
  @Test
  void influenceStoreHoldsTheProjectedPeftGradients(@TempDir Path tmp) throws Exception {
    LoraState state = weights("init.");
    Path adapter = tmp.resolve("adapter");
    state.toAdapter(cfg, null).write(adapter);
    Path base =
        Path.of(GradientSketchReferenceTest.class.getResource("/hf/llama-gqa-tied/base").toURI());
    String contributor = "0x" + "ab".repeat(20);
    List<ExampleProvenance> prov = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      prov.add(
          new ExampleProvenance(
              List.of(new ExampleProvenance.Piece("0x" + ("0" + r).repeat(32), contributor, 15))));
    }
    Path file = tmp.resolve("influence-store.bin");
    InfluenceStore.Written w =
        InfluenceSketches.writeStore(base, adapter, cfg, batch(), prov, 1024, file, Device.cpu());
    assertThat(w.bytes()).isEqualTo(Files.size(file));
    InfluenceStore store = InfluenceStore.open(file);
    byte[] seed =
        MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(adapter.resolve(PeftAdapter.WEIGHTS)));
    assertThat(store.projectionSeed()).isEqualTo(seed);
    GradientSketcher sketcher = GradientSketcher.of(layout(state, 1024), seed);
    assertThat(store.layout().factors()).isEqualTo(sketcher.layout().factors());
    for (int r = 0; r < 2; r++) {
      List<float[]> grads = new ArrayList<>();
      for (int i = 0; i < state.size(); i++) {
        grads.add(ref.get("example" + r + ".grad." + state.key(i)).data());
      }
      float[] want = sketcher.sketchOfGradients(grads);
      float[] got = store.sketch(r);
      double max = 0;
      for (float v : want) {
        max = Math.max(max, Math.abs(v));
      }
      for (int j = 0; j < want.length; j++) {
        // bfloat16 keeps 8 significant bits: half an ulp is 2^-9 of the value.
        assertThat((double) got[j])
            .as("example %d entry %d", r, j)
            .isCloseTo(want[j], offset(Math.abs(want[j]) / 256 + 1e-4 * max));
      }
      assertThat(store.provenance(r)).isEqualTo(prov.get(r));
    }
  }

  /**
   * The query sketch of an output given a one-token prompt is the training sketch of the whole row
   * (PEFT's per-example gradient, projected); with a longer prompt only the output's tokens count,
   * as our per-example gradient of the same loss mask says.
   */
  @Test
  void querySketchIsTheSketchOfTheOutputsLoss(@TempDir Path tmp) throws Exception {
    LoraState state = weights("init.");
    Path adapter = tmp.resolve("adapter");
    state.toAdapter(cfg, null).write(adapter);
    Path base =
        Path.of(GradientSketchReferenceTest.class.getResource("/hf/llama-gqa-tied/base").toURI());
    byte[] seed =
        MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(adapter.resolve(PeftAdapter.WEIGHTS)));
    GradientSketcher sketcher = GradientSketcher.of(layout(state, 1024), seed);
    try (QuerySketcher q = QuerySketcher.open(base, adapter, 1024, Device.cpu())) {
      for (int r = 0; r < 2; r++) {
        int[] row = batch().get(r).tokens();
        List<float[]> grads = new ArrayList<>();
        for (int i = 0; i < state.size(); i++) {
          grads.add(ref.get("example" + r + ".grad." + state.key(i)).data());
        }
        float[] whole =
            q.sketch(
                java.util.Arrays.copyOf(row, 1), java.util.Arrays.copyOfRange(row, 1, row.length));
        assertBlocksClose(sketcher, r, sketcher.sketchOfGradients(grads), whole, true);

        boolean[] mask = new boolean[row.length];
        java.util.Arrays.fill(mask, 8, row.length, true);
        TrainingSequence masked = new TrainingSequence(row, mask);
        float[] got =
            q.sketch(
                java.util.Arrays.copyOf(row, 8), java.util.Arrays.copyOfRange(row, 8, row.length));
        float[] want =
            sketcher.sketchOfGradients(
                java.util.Arrays.asList(
                    Gradients.perExample(model, state, cfg, List.of(masked))[0]));
        assertBlocksClose(sketcher, r, want, got, true);
        assertThat(got).isNotEqualTo(whole);
      }
    }
  }

  @Test
  void sketchFromActivationsEqualsProjectedPeftGradients() throws Exception {
    LoraState state = weights("init.");
    // k = 1024 over 28 LoRA matrices: 36 per matrix, 6 x 6 blocks, 1008 in all.
    GradientSketcher sketcher = GradientSketcher.of(layout(state, 1024), seed("adapter"));
    assertThat(sketcher.layout().dimension()).isEqualTo(1008);
    List<List<LoraActivations>> acts = Gradients.perExampleActivations(model, state, cfg, batch());
    float[][] sketches = new float[acts.size()][];
    for (int r = 0; r < acts.size(); r++) {
      List<float[]> grads = new ArrayList<>();
      for (int i = 0; i < state.size(); i++) {
        Tensor t = ref.get("example" + r + ".grad." + state.key(i));
        assertThat(t).as(state.key(i)).isNotNull();
        grads.add(t.data());
      }
      float[] want = sketcher.sketchOfGradients(grads);
      float[] got = sketcher.sketchOfActivations(acts.get(r));
      sketches[r] = got;
      double max = 0;
      for (float w : want) {
        max = Math.max(max, Math.abs(w));
      }
      assertThat(max).as("example %d's projected gradient is not all zero", r).isGreaterThan(0);
      // Every block, not only the largest: a block's own scale matters to the preconditioner.
      assertBlocksClose(sketcher, r, want, got, true);
    }
    // Two different rows have different sketches.
    double diff = 0;
    for (int j = 0; j < sketches[0].length; j++) {
      diff = Math.max(diff, Math.abs(sketches[0][j] - sketches[1][j]));
    }
    assertThat(diff).isGreaterThan(0);
  }
}
