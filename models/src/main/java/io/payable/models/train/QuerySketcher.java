package io.payable.models.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.payable.models.Engines;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.PeftConfig;
import io.payable.models.Safetensors;
import io.payable.models.influence.GradientSketcher;
import io.payable.models.influence.SketchLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The query sketch of attribution v2 (docs/attribution.md, V2.4): the sketch of the gradient of an
 * output's mean cross-entropy given its prompt, at a trained adapter's weights, computed by one
 * forward and backward pass over prompt and output. What a worker signs into an event and what the
 * attribution job recomputes to audit it. One base model and adapter per instance.
 */
public final class QuerySketcher implements AutoCloseable {
  private final NDManager root;
  private final LoraModel model;
  private final LoraState state;
  private final LoraTrainingConfig cfg;
  private final GradientSketcher sketcher;

  private QuerySketcher(
      NDManager root,
      LoraModel model,
      LoraState state,
      LoraTrainingConfig cfg,
      GradientSketcher sketcher) {
    this.root = root;
    this.model = model;
    this.state = state;
    this.cfg = cfg;
    this.sketcher = sketcher;
  }

  /**
   * Loads a base model and a PEFT adapter trained by ModelFactory; the layout is the default one
   * for dimension {@code k} and the projection seed the adapter's.
   */
  public static QuerySketcher open(Path baseModelDir, Path adapterDir, int k, Device device)
      throws IOException {
    ModelConfig base = ModelConfig.read(baseModelDir);
    PeftConfig peft = PeftConfig.read(adapterDir);
    LoraTrainingConfig cfg =
        LoraTrainingConfig.builder()
            .rank(peft.rank())
            .alpha(peft.alpha())
            .rsLora(peft.useRslora())
            .targets(peft.targets())
            .dropout(0)
            .build();
    LoraState state =
        LoraState.of(base, cfg, Safetensors.read(adapterDir.resolve(PeftAdapter.WEIGHTS)));
    GradientSketcher sketcher =
        GradientSketcher.of(
            InfluenceSketches.layout(base, cfg, k), InfluenceSketches.projectionSeed(adapterDir));
    NDManager root = Engines.newManager(device);
    try {
      return new QuerySketcher(
          root, LoraModel.load(baseModelDir, root, device), state, cfg, sketcher);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  public SketchLayout layout() {
    return sketcher.layout();
  }

  /**
   * The sketch of the mean cross-entropy of {@code output} given {@code prompt}: the first output
   * token is predicted from the last prompt token.
   *
   * @throws IllegalArgumentException when either is empty
   */
  public float[] sketch(int[] prompt, int[] output) {
    if (prompt.length == 0 || output.length == 0) {
      throw new IllegalArgumentException("a query sketch needs a prompt and an output token");
    }
    int[] tokens = Arrays.copyOf(prompt, prompt.length + output.length);
    System.arraycopy(output, 0, tokens, prompt.length, output.length);
    boolean[] mask = new boolean[tokens.length];
    Arrays.fill(mask, prompt.length, tokens.length, true);
    return sketch(new TrainingSequence(tokens, mask));
  }

  /** The sketch of a sequence's mean loss over its masked targets. */
  float[] sketch(TrainingSequence s) {
    return sketcher.sketchOfActivations(
        Gradients.perExampleActivations(model, state, cfg, List.of(s)).get(0));
  }

  @Override
  public void close() {
    model.close();
    root.close();
  }
}
