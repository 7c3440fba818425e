package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.models.Engines;
import io.payable.models.Safetensors;
import io.payable.models.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One LoRA training run of PEFT and torch (hf/llama-gqa-tied/training.*: r 8, alpha 16, all seven
 * projections, batch of two 16-token rows of the real 32k llama2 vocabulary, AdamW lr 1e-3): our
 * loss, first-step gradients, per-example gradients and weights after 1 and 3 AdamW steps match
 * within 1e-5 relative to each tensor's largest magnitude, losses within 1e-5.
 */
class TrainingReferenceTest {
  private static final double TOL = 1e-5;

  private static NDManager manager;
  private static LoraModel model;
  private static JsonNode meta;
  private static Map<String, Tensor> ref;
  private static LoraTrainingConfig cfg;

  @BeforeAll
  static void load() throws Exception {
    Path dir = fixture();
    meta = new ObjectMapper().readTree(dir.resolve("training.json").toFile());
    ref = new HashMap<>();
    // PEFT names trained parameters with the adapter name: ...lora_A.default.weight.
    Safetensors.read(dir.resolve("training.safetensors"))
        .forEach((k, v) -> ref.put(k.replace(".default.weight", ".weight"), v));
    manager = Engines.newManager(Device.cpu());
    model = LoraModel.load(dir.resolve("base"), manager, Device.cpu());
    JsonNode opt = meta.get("optimizer");
    cfg =
        LoraTrainingConfig.builder()
            .rank(meta.at("/lora/r").asInt())
            .alpha(meta.at("/lora/alpha").asDouble())
            .targetModules(new ObjectMapper().convertValue(meta.at("/lora/targets"), List.class))
            .learningRate(opt.get("lr").asDouble())
            .beta1(opt.get("betas").get(0).asDouble())
            .beta2(opt.get("betas").get(1).asDouble())
            .eps(opt.get("eps").asDouble())
            .weightDecay(opt.get("weight_decay").asDouble())
            .schedule(LrSchedule.CONSTANT)
            .maxGradNorm(0)
            .build();
  }

  @AfterAll
  static void close() {
    model.close();
    manager.close();
  }

  private static Path fixture() throws URISyntaxException {
    return Path.of(TrainingReferenceTest.class.getResource("/hf/llama-gqa-tied").toURI());
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

  private static LoraState initial() {
    Map<String, Tensor> init = new HashMap<>();
    ref.forEach(
        (k, v) -> {
          if (k.startsWith("init.")) {
            init.put(k.substring("init.".length()), v);
          }
        });
    return LoraState.of(model.config(), cfg, init);
  }

  /** Every tensor of {@code actual} within TOL of ref[prefix + key] relative to its max. */
  private static void assertTensors(String prefix, LoraState s, float[][] actual) {
    assertThat(s.size()).isEqualTo(2 * 2 * 7);
    for (int i = 0; i < s.size(); i++) {
      Tensor want = ref.get(prefix + s.key(i));
      assertThat(want).as(prefix + s.key(i)).isNotNull();
      float max = 0;
      for (float x : want.data()) {
        max = Math.max(max, Math.abs(x));
      }
      assertThat(max).as("reference %s is not all zero", s.key(i)).isGreaterThan(0f);
      float[] got = actual[i];
      assertThat(got).hasSameSizeAs(want.data());
      double worst = 0;
      for (int j = 0; j < got.length; j++) {
        worst = Math.max(worst, Math.abs(got[j] - want.data()[j]) / max);
      }
      assertThat(worst).as("%s%s relative error", prefix, s.key(i)).isLessThanOrEqualTo(TOL);
    }
  }

  @Test
  void lossGradientsAndThreeAdamWStepsMatchPeft() {
    LoraState state = initial();
    List<TrainingSequence> batch = batch();
    JsonNode losses = meta.get("losses");
    for (int step = 0; step < 3; step++) {
      Gradients.Step s = Gradients.step(model, state, cfg, List.of(batch), k -> 0);
      assertThat(s.loss())
          .as("loss of step %d", step + 1)
          .isCloseTo(losses.get(step).asDouble(), within(TOL));
      if (step == 0) {
        assertTensors("grad.", state, s.grads());
      }
      state.adamw(s.grads(), cfg.learningRate(), cfg);
      if (step == 0 || step == 2) {
        assertWeights("step" + (step + 1) + ".", state);
      }
    }
  }

  /** AdamW alone, fed PEFT's own first-step gradients, gives PEFT's weights after step 1. */
  @Test
  void adamWStepFromTheReferenceGradientsMatchesTorch() {
    LoraState state = initial();
    float[][] grads = new float[state.size()][];
    for (int i = 0; i < state.size(); i++) {
      grads[i] = ref.get("grad." + state.key(i)).data().clone();
    }
    state.adamw(grads, cfg.learningRate(), cfg);
    assertTensors("step1.", state, state.weights);
  }

  /**
   * Weights within TOL of their tensor's largest magnitude; except that AdamW's first update of an
   * element, {@code lr g / (|g| + eps)}, turns a gradient error d into an update error {@code lr
   * eps d / (|g| + eps)^2}: where |g| is within a few eps, the gradient's own tolerance (TOL times
   * the gradient tensor's max) carried through that derivative is added to the bound. The test also
   * checks such elements are rare.
   */
  private static void assertWeights(String prefix, LoraState s) {
    double lr = cfg.learningRate();
    double eps = cfg.eps();
    int widened = 0;
    int elements = 0;
    for (int i = 0; i < s.size(); i++) {
      float[] want = ref.get(prefix + s.key(i)).data();
      float[] grad = ref.get("grad." + s.key(i)).data();
      double maxW = 0;
      double maxG = 0;
      for (int j = 0; j < want.length; j++) {
        maxW = Math.max(maxW, Math.abs(want[j]));
        maxG = Math.max(maxG, Math.abs(grad[j]));
      }
      for (int j = 0; j < want.length; j++) {
        elements++;
        double g = Math.abs(grad[j]);
        double carried = lr * eps * TOL * maxG / ((g + eps) * (g + eps));
        double bound = TOL * maxW + carried;
        if (carried > TOL * maxW) {
          widened++;
        }
        assertThat((double) Math.abs(s.weights[i][j] - want[j]))
            .as("%s%s[%d] (gradient %s)", prefix, s.key(i), j, grad[j])
            .isLessThanOrEqualTo(bound);
      }
    }
    assertThat(widened).as("elements with a widened bound").isLessThanOrEqualTo(elements / 1_000);
  }

  @Test
  void gradientsAccumulatedOverMicroBatchesEqualTheWholeBatch() {
    LoraState state = initial();
    List<TrainingSequence> batch = batch();
    Gradients.Step split =
        Gradients.step(
            model, state, cfg, List.of(batch.subList(0, 1), batch.subList(1, 2)), k -> 0);
    assertThat(split.loss()).isCloseTo(meta.get("losses").get(0).asDouble(), within(TOL));
    assertTensors("grad.", state, split.grads());
  }

  @Test
  void anOutputHeadInSeveralBlocksGivesTheSameGradients() {
    LoraState state = initial();
    model.headChunk(7);
    try {
      Gradients.Step s = Gradients.step(model, state, cfg, List.of(batch()), k -> 0);
      assertThat(s.loss()).isCloseTo(meta.get("losses").get(0).asDouble(), within(TOL));
      assertTensors("grad.", state, s.grads());
    } finally {
      model.headChunk(1 << 20);
    }
  }

  /**
   * Rows whose label is nearly impossible take log-softmax's route to their loss: the same loss.
   */
  @Test
  void theLogSoftmaxRouteOfTheLossMatchesPeft() {
    LoraState state = initial();
    model.minLabelProbability = 2f; // every row
    try {
      Gradients.Step s = Gradients.step(model, state, cfg, List.of(batch()), k -> 0);
      assertThat(s.loss()).isCloseTo(meta.get("losses").get(0).asDouble(), within(TOL));
      assertTensors("grad.", state, s.grads());
    } finally {
      model.minLabelProbability = LoraModel.MIN_LABEL_PROBABILITY;
    }
  }

  /**
   * Nothing the tape keeps for the backward pass lives in memory the garbage collector frees (DJL's
   * scalar operations wrap numbers in Java buffers freed after the operation).
   */
  @Test
  void gradientsSurviveAGarbageCollectionBeforeBackward() {
    LoraState state = initial();
    Gradients.beforeBackward = System::gc;
    try {
      for (int i = 0; i < 2; i++) {
        Gradients.Step s = Gradients.step(model, state, cfg, List.of(batch()), k -> 0);
        assertThat(s.loss()).isCloseTo(meta.get("losses").get(0).asDouble(), within(TOL));
        assertTensors("grad.", state, s.grads());
      }
    } finally {
      Gradients.beforeBackward = () -> {};
    }
  }

  @Test
  void perExampleGradientsMatchPeft() {
    LoraState state = initial();
    float[][][] perRow = Gradients.perExample(model, state, cfg, batch());
    for (int r = 0; r < perRow.length; r++) {
      assertTensors("example" + r + ".grad.", state, perRow[r]);
    }
  }
}
