package io.payable.models.train;

import ai.djl.Device;
import io.payable.models.Engines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Trains a LoRA adapter on a frozen Llama-family base model (Llama, Mistral, Qwen2, Qwen3) with DJL
 * autograd on the PyTorch engine: F32 on the CPU, BF16 base weights and activations on a GPU.
 *
 * <p>A run lives in a run directory: checkpoints under {@code runDir/checkpoints/step-NNNNNNNN}
 * (written to a temporary directory and renamed, so a directory there is always complete) and, at
 * the end, the adapter in PEFT layout under {@code runDir/adapter}. A run started on a directory
 * that holds checkpoints resumes from the last one, which must have been written with the same base
 * model, data and hyperparameters; on the CPU the resumed run ends with the same adapter, bit for
 * bit, as an uninterrupted one.
 *
 * <p>One run trains at a time per process (the engine has one gradient tape); others wait.
 */
public final class LoraTrainer {
  private final Device device;

  private LoraTrainer(Device device) {
    this.device = device;
  }

  /** A trainer on the first GPU when there is one, else the CPU. */
  public static LoraTrainer create() {
    return new LoraTrainer(Engines.device());
  }

  /** A trainer on a given device. */
  public static LoraTrainer on(Device device) {
    return new LoraTrainer(device);
  }

  public Device device() {
    return device;
  }

  /**
   * Trains an adapter, resuming from the last checkpoint under {@code runDir} if there is one.
   *
   * <p>Not implemented yet: the signature is stable, the body follows.
   *
   * @param baseModelDir a Hugging Face checkpoint directory ({@code config.json}, safetensors)
   * @param train training sequences, each at most {@code cfg.seqLen()} tokens; consumed in a seeded
   *     shuffled order, epoch after epoch
   * @param eval evaluation sequences, may be empty
   * @param cfg hyperparameters
   * @param runDir the run's directory, created if missing
   * @param listener hears steps, evaluations and checkpoints
   * @param cancelled polled between micro-batches; when it answers true the run stops with a {@link
   *     java.util.concurrent.CancellationException}, leaving its checkpoints and no adapter
   * @return the adapter directory, loss and eval curves, tokens seen and wall time
   * @throws IllegalArgumentException on an empty training set, a sequence longer than {@code
   *     seqLen} or the model's context, a token outside the vocabulary, or a checkpoint under
   *     {@code runDir} written by a different run
   * @throws io.payable.models.InvalidModelException when the base model cannot be loaded
   * @throws IOException when the run directory cannot be written
   */
  public TrainingResult train(
      Path baseModelDir,
      List<TrainingSequence> train,
      List<TrainingSequence> eval,
      LoraTrainingConfig cfg,
      Path runDir,
      TrainingListener listener,
      BooleanSupplier cancelled)
      throws IOException {
    throw new UnsupportedOperationException("LoRA training is not implemented yet");
  }
}
