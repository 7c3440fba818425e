package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.payable.models.CausalLm;
import io.payable.models.Engines;
import io.payable.models.LoadOptions;
import io.payable.models.LoraPair;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.Projection;
import io.payable.models.Segment;
import io.payable.models.Sequence;
import io.payable.models.SyntheticCheckpoints;
import io.payable.models.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter the trainer writes loads in the serving reader ({@link PeftAdapter} into a {@link
 * CausalLm} slot) and gives the logits of the training forward pass, within the f32 agreement the
 * Hugging Face fixtures hold the serving path to (1e-4), with rsLoRA on four projections.
 */
class TrainedAdapterServingTest {
  private static final double TOL = 1e-4;

  @TempDir Path dir;

  @Test
  void servingLogitsEqualTrainingLogits() throws Exception {
    Path base = dir.resolve("base");
    SyntheticCheckpoints.writeBase(
        base, new SyntheticCheckpoints.Spec(300, 32, 64, 2, 4, 2, 64), 7);
    SplittableRandom rnd = new SplittableRandom(9);
    List<TrainingSequence> train = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int[] ids = new int[16];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = rnd.nextInt(300);
      }
      train.add(TrainingSequence.of(ids));
    }
    LoraTrainingConfig cfg =
        LoraTrainingConfig.builder()
            .rank(4)
            .alpha(8)
            .rsLora(true)
            .targets(
                EnumSet.of(
                    Projection.Q_PROJ, Projection.V_PROJ, Projection.UP_PROJ, Projection.DOWN_PROJ))
            .learningRate(2e-2)
            .batchSize(3)
            .steps(4)
            .seqLen(16)
            .build();
    TrainingResult result =
        LoraTrainer.on(Device.cpu())
            .train(
                base,
                train,
                List.of(),
                cfg,
                dir.resolve("run"),
                TrainingListener.none(),
                () -> false);

    ModelConfig config = ModelConfig.read(base);
    PeftAdapter adapter = PeftAdapter.read(result.adapterDir(), config);
    assertThat(adapter.config().useRslora()).isTrue();
    assertThat(adapter.config().targets()).hasSize(4);
    int[] prompt = train.get(0).tokens();

    try (NDManager m = Engines.newManager(Device.cpu());
        LoraModel trainingModel = LoraModel.load(base, m, Device.cpu());
        CausalLm serving = CausalLm.load(base, m, LoadOptions.cpu(1, 8));
        Sequence seqAdapted = serving.newSequence();
        Sequence seqBase = serving.newSequence()) {
      serving.writeSlot(0, adapter);
      float[][] served = serving.forward(List.of(new Segment(seqAdapted, prompt, 0)), true);
      float[][] servedBase =
          serving.forward(List.of(new Segment(seqBase, prompt, Segment.BASE)), true);

      Map<String, Tensor> byKey = new HashMap<>();
      for (LoraPair p : adapter.pairs()) {
        byKey.put(LoraPair.key(p.layer(), p.projection(), 'A'), p.a());
        byKey.put(LoraPair.key(p.layer(), p.projection(), 'B'), p.b());
      }
      LoraState state = LoraState.of(config, cfg, byKey);
      float[] trained;
      try (NDManager step = m.newSubManager()) {
        LoraParams params = state.upload(step, cfg.scaling(), config.numLayers(), false);
        trained =
            trainingModel
                .logits(
                    trainingModel.hidden(step, List.of(TrainingSequence.of(prompt)), params, 0f))
                .toFloatArray();
      }
      int vocab = config.vocabSize();
      double worst = 0;
      double moved = 0;
      for (int t = 0; t < prompt.length; t++) {
        for (int v = 0; v < vocab; v++) {
          worst = Math.max(worst, Math.abs(served[t][v] - trained[t * vocab + v]));
          moved = Math.max(moved, Math.abs(served[t][v] - servedBase[t][v]));
        }
        assertThat(argmax(served[t])).isEqualTo(argmax(trained, t * vocab, vocab));
      }
      assertThat(worst).as("max |serving - training| logit").isLessThanOrEqualTo(TOL);
      // The trained adapter moves the logits far beyond that tolerance.
      assertThat(moved).as("max |adapter - base| logit").isGreaterThan(1000 * TOL);
    }
  }

  private static int argmax(float[] row) {
    return argmax(row, 0, row.length);
  }

  private static int argmax(float[] a, int from, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (a[from + i] > a[from + best]) {
        best = i;
      }
    }
    return best;
  }
}
