package io.payable.models.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.payable.models.influence.LoraActivations;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Losses and LoRA gradients of a frozen base model: one optimizer step's (micro-batches
 * accumulated), each sequence's alone (per-example gradients, the input of gradient-based
 * attribution), and the eval loss without a tape.
 */
final class Gradients {
  /** The PyTorch engine has one gradient tape per process. */
  private static final ReentrantLock TAPE = new ReentrantLock();

  /** Runs between each forward pass and its backward pass; tests force a GC there. */
  static volatile Runnable beforeBackward = () -> {};

  private Gradients() {}

  /**
   * A step's outcome.
   *
   * @param loss mean cross-entropy over the step's target tokens
   * @param grads gradients of that loss by LoRA tensor, in {@link LoraState}'s order
   * @param tokens input tokens of the step
   */
  record Step(double loss, float[][] grads, long tokens) {}

  /** Seeds the engine's generator (dropout masks) for micro-batch {@code micro}. */
  interface DropoutSeeds {
    int seed(int micro);
  }

  /**
   * The loss and gradients of one optimizer step over its micro-batches: each micro-batch's summed
   * token loss is divided by the step's total target count, so the accumulated gradients are those
   * of the step's mean loss, however it is split.
   */
  static Step step(
      LoraModel model,
      LoraState state,
      LoraTrainingConfig cfg,
      List<List<TrainingSequence>> microBatches,
      DropoutSeeds seeds) {
    long targets = 0;
    long tokens = 0;
    for (List<TrainingSequence> mb : microBatches) {
      for (TrainingSequence s : mb) {
        targets += s.targets();
        tokens += s.length();
      }
    }
    double divisor = Math.max(1, targets);
    float dropout = (float) cfg.dropout();
    Engine engine = model.manager().getEngine();
    TAPE.lock();
    try (NDManager m = model.manager().newSubManager()) {
      LoraParams params =
          state.upload(m, cfg.scaling(), model.config().numLayers(), /* leaves= */ true);
      double loss = 0;
      boolean taped = false;
      try (GradientCollector tape = engine.newGradientCollector()) {
        for (int i = 0; i < microBatches.size(); i++) {
          if (dropout > 0) {
            engine.setRandomSeed(seeds.seed(i));
          }
          try (NDManager micro = m.newSubManager()) {
            LoraModel.Loss l =
                model.loss(micro, microBatches.get(i), params, dropout, divisor, true);
            if (l.surrogate() != null) {
              beforeBackward.run();
              tape.backward(l.surrogate());
              taped = true;
            }
            loss += l.value();
          }
        }
      }
      // A step without target tokens has no gradient: zeros, so AdamW only decays.
      float[][] grads = taped ? state.gradients(params) : state.zeroGradients();
      return new Step(loss, grads, tokens);
    } finally {
      TAPE.unlock();
    }
  }

  /**
   * Each sequence's gradient of its own mean loss at the current weights, without dropout: {@code
   * [sequence][tensor][element]}.
   */
  static float[][][] perExample(
      LoraModel model, LoraState state, LoraTrainingConfig cfg, List<TrainingSequence> sequences) {
    LoraTrainingConfig noDropout = cfg.toBuilder().dropout(0).build();
    float[][][] out = new float[sequences.size()][][];
    for (int i = 0; i < sequences.size(); i++) {
      out[i] = step(model, state, noDropout, List.of(List.of(sequences.get(i))), k -> 0).grads();
    }
    return out;
  }

  /**
   * Each sequence's per-projection activations for a gradient sketch, without dropout: the input of
   * every adapted projection and the gradient of the sequence's own mean loss with respect to its
   * output, in {@link LoraState}'s pair order, with the current LoRA matrices. The LoRA gradients
   * themselves are never formed.
   */
  static List<List<LoraActivations>> perExampleActivations(
      LoraModel model, LoraState state, LoraTrainingConfig cfg, List<TrainingSequence> sequences) {
    Engine engine = model.manager().getEngine();
    List<List<LoraActivations>> out = new ArrayList<>();
    for (TrainingSequence seq : sequences) {
      List<LoraActivations> pairs = new ArrayList<>();
      TAPE.lock();
      try (NDManager m = model.manager().newSubManager()) {
        LoraParams params =
            state.upload(m, cfg.scaling(), model.config().numLayers(), /* leaves= */ false);
        params.tap();
        try (GradientCollector tape = engine.newGradientCollector()) {
          LoraModel.Loss l =
              model.loss(m, List.of(seq), params, 0f, Math.max(1, seq.targets()), true);
          if (l.surrogate() != null) {
            beforeBackward.run();
            tape.backward(l.surrogate());
          }
        }
        for (int i = 0; i < state.pairs.size(); i++) {
          LoraState.Pair p = state.pairs.get(i);
          NDArray probe = params.probe(p.layer(), p.projection());
          // Without target tokens nothing was taped: the loss has no gradient.
          float[] g = seq.targets() == 0 ? new float[(int) probe.size()] : f32(probe.getGradient());
          pairs.add(
              new LoraActivations(
                  seq.length(),
                  f32(params.input(p.layer(), p.projection())),
                  g,
                  state.weights[2 * i].clone(),
                  state.weights[2 * i + 1].clone(),
                  cfg.rank(),
                  cfg.scaling()));
        }
      } finally {
        TAPE.unlock();
      }
      out.add(pairs);
    }
    return out;
  }

  private static float[] f32(NDArray a) {
    return a.toType(DataType.FLOAT32, false).toFloatArray();
  }

  /** The mean loss over all target tokens of {@code sequences}, without dropout or tape. */
  static double evalLoss(
      LoraModel model, LoraState state, LoraTrainingConfig cfg, List<TrainingSequence> sequences) {
    long targets = 0;
    for (TrainingSequence s : sequences) {
      targets += s.targets();
    }
    if (targets == 0) {
      return Double.NaN;
    }
    double sum = 0;
    try (NDManager m = model.manager().newSubManager()) {
      LoraParams params = state.upload(m, cfg.scaling(), model.config().numLayers(), false);
      for (int from = 0; from < sequences.size(); from += cfg.batchSize()) {
        List<TrainingSequence> batch =
            sequences.subList(from, Math.min(sequences.size(), from + cfg.batchSize()));
        try (NDManager micro = m.newSubManager()) {
          sum += model.loss(micro, batch, params, 0f, 1.0, false).value();
        }
      }
    }
    return sum / targets;
  }
}
