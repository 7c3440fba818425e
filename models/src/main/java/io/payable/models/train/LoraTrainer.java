package io.payable.models.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.payable.models.Engines;
import io.payable.models.ModelConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a LoRA adapter on a frozen Llama-family base model (Llama, Mistral, Qwen2, Qwen3) with DJL
 * autograd on the PyTorch engine: F32 on the CPU, BF16 base weights and activations on a GPU.
 *
 * <p>A run lives in a run directory: checkpoints under {@code runDir/checkpoints/step-NNNNNNNN}
 * (written to a temporary directory and renamed, so a directory there is always complete) and, at
 * the end, the adapter in PEFT layout under {@code runDir/adapter}. A run started on a directory
 * that holds checkpoints resumes from the last one, which must have been written with the same base
 * model, data and hyperparameters; on the CPU with one PyTorch thread the resumed run ends with the
 * same adapter, bit for bit, as an uninterrupted one.
 *
 * <p>One run trains at a time per process (the engine has one gradient tape); others wait.
 */
public final class LoraTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(LoraTrainer.class);
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
   * <p>Step {@code s} (0-based) takes the next {@code batchSize * gradAccum} sequences of the
   * seeded data order as {@code gradAccum} micro-batches, accumulates the gradients of the step's
   * mean token loss, clips them to {@code maxGradNorm}, and applies AdamW with the schedule's rate
   * for step {@code s}. Evaluation runs every {@code evalEvery} steps and after the last; a
   * checkpoint is written every {@code checkpointEvery} steps and after the last.
   *
   * @param baseModelDir a Hugging Face checkpoint directory ({@code config.json}, safetensors)
   * @param train training sequences, each at most {@code cfg.seqLen()} tokens; consumed in a seeded
   *     shuffled order, epoch after epoch
   * @param eval evaluation sequences, may be empty
   * @param cfg hyperparameters
   * @param runDir the run's directory, created if missing
   * @param listener hears steps, evaluations and checkpoints
   * @param cancelled polled before every optimizer step; when it answers true the run stops with a
   *     {@link java.util.concurrent.CancellationException}, leaving its checkpoints and no adapter
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
    long started = System.nanoTime();
    ModelConfig base = ModelConfig.read(baseModelDir);
    if (train.isEmpty()) {
      throw new IllegalArgumentException("the training set is empty");
    }
    check(train, "training", base, cfg);
    if (train.stream().mapToLong(TrainingSequence::targets).sum() == 0) {
      throw new IllegalArgumentException("the training set has no target tokens (loss mask empty)");
    }
    check(eval, "eval", base, cfg);
    String fingerprint = fingerprint(baseModelDir, train, eval, cfg);
    RunCheckpoints checkpoints = new RunCheckpoints(runDir);

    LoraState state;
    List<Double> losses = new ArrayList<>();
    List<EvalPoint> evalCurve = new ArrayList<>();
    long tokensSeen = 0;
    long priorWall = 0;
    Optional<Path> last = checkpoints.latest();
    if (last.isPresent()) {
      RunCheckpoints.Saved saved = RunCheckpoints.readSaved(last.get());
      if (!saved.fingerprint().equals(fingerprint)) {
        throw new IllegalArgumentException(
            runDir
                + " holds a checkpoint of a different run (base model, data or hyperparameters"
                + " differ); use a new run directory");
      }
      state = RunCheckpoints.readState(last.get(), base, cfg, saved.step());
      losses.addAll(saved.losses());
      evalCurve.addAll(saved.evalCurve());
      tokensSeen = saved.tokensSeen();
      priorWall = saved.wallNanos();
      LOG.info("resuming {} from step {}", runDir, saved.step());
    } else {
      state = LoraState.init(base, cfg);
    }
    int resumedFrom = state.step;

    NativeHeap.retainFreedMemory();
    try (NDManager root = Engines.newManager(device);
        LoraModel model = LoraModel.load(baseModelDir, root, device)) {
      DataOrder order = new DataOrder(train.size(), cfg.seed());
      int perStep = cfg.sequencesPerStep();
      long tokensHere = 0;
      while (state.step < cfg.steps()) {
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("training cancelled at step " + state.step);
        }
        int step = state.step;
        List<List<TrainingSequence>> micro = new ArrayList<>(cfg.gradAccum());
        for (int k = 0; k < cfg.gradAccum(); k++) {
          List<TrainingSequence> batch = new ArrayList<>(cfg.batchSize());
          for (int i = 0; i < cfg.batchSize(); i++) {
            batch.add(train.get(order.at((long) step * perStep + (long) k * cfg.batchSize() + i)));
          }
          micro.add(batch);
        }
        double lr =
            cfg.learningRate() * cfg.schedule().factor(step, cfg.warmupSteps(), cfg.steps());
        Gradients.Step s =
            Gradients.step(model, state, cfg, micro, k -> dropoutSeed(cfg.seed(), step, k));
        LoraState.clip(s.grads(), cfg.maxGradNorm());
        state.adamw(s.grads(), lr, cfg);
        int done = state.step;
        losses.add(s.loss());
        tokensSeen += s.tokens();
        tokensHere += s.tokens();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        listener.onStep(
            new StepProgress(
                done,
                cfg.steps(),
                s.loss(),
                lr,
                tokensSeen,
                tokensHere / Math.max(1e-9, elapsed.toNanos() / 1e9),
                elapsed));
        boolean lastStep = done == cfg.steps();
        if (!eval.isEmpty() && (lastStep || (cfg.evalEvery() > 0 && done % cfg.evalEvery() == 0))) {
          EvalPoint point = new EvalPoint(done, Gradients.evalLoss(model, state, cfg, eval));
          evalCurve.add(point);
          listener.onEval(point);
        }
        if (lastStep || (cfg.checkpointEvery() > 0 && done % cfg.checkpointEvery() == 0)) {
          Path dir =
              checkpoints.write(
                  state,
                  new RunCheckpoints.Saved(
                      done,
                      fingerprint,
                      losses,
                      evalCurve,
                      tokensSeen,
                      priorWall + System.nanoTime() - started));
          listener.onCheckpoint(done, dir);
        }
      }
    }
    Path adapter = runDir.resolve(ADAPTER);
    Path temp = runDir.resolve(".tmp-" + ADAPTER);
    RunCheckpoints.deleteTree(temp);
    state.toAdapter(cfg, null).write(temp);
    RunCheckpoints.deleteTree(adapter);
    Files.move(temp, adapter, StandardCopyOption.ATOMIC_MOVE);
    return new TrainingResult(
        adapter,
        losses,
        evalCurve,
        tokensSeen,
        Duration.ofNanos(priorWall + System.nanoTime() - started),
        resumedFrom);
  }

  /** The directory under a run directory that holds the finished adapter. */
  public static final String ADAPTER = "adapter";

  private static void check(
      List<TrainingSequence> seqs, String what, ModelConfig base, LoraTrainingConfig cfg) {
    int limit = Math.min(cfg.seqLen(), base.maxPositions());
    for (int i = 0; i < seqs.size(); i++) {
      TrainingSequence s = seqs.get(i);
      if (s.length() > limit) {
        throw new IllegalArgumentException(
            what
                + " sequence "
                + i
                + " has "
                + s.length()
                + " tokens, more than "
                + (limit == cfg.seqLen() ? "seq len " : "the model's context of ")
                + limit);
      }
      for (int t = 0; t < s.length(); t++) {
        int id = s.token(t);
        if (id < 0 || id >= base.vocabSize()) {
          throw new IllegalArgumentException(
              what
                  + " sequence "
                  + i
                  + " has token id "
                  + id
                  + " outside the vocabulary of "
                  + base.vocabSize());
        }
      }
    }
  }

  /**
   * The engine seed for the dropout masks of a step's micro-batch: fixed by step, not by process.
   */
  static int dropoutSeed(long seed, int step, int micro) {
    long h = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + micro;
    h ^= h >>> 31;
    return (int) (h & 0x7fffffff);
  }

  /**
   * What a checkpoint must match to be resumed: the hyperparameters that shape the trajectory, the
   * base model's config and weight files (names and sizes), and every sequence.
   */
  static String fingerprint(
      Path baseModelDir,
      List<TrainingSequence> train,
      List<TrainingSequence> eval,
      LoraTrainingConfig cfg)
      throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> h = new TreeMap<>(cfg.toMap());
    h.remove("checkpoint_every");
    h.remove("eval_every");
    sha.update(h.toString().getBytes(StandardCharsets.UTF_8));
    sha.update(Files.readAllBytes(baseModelDir.resolve(ModelConfig.FILE)));
    try (Stream<Path> files = Files.list(baseModelDir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList()) {
        sha.update((f.getFileName() + ":" + Files.size(f) + ";").getBytes(StandardCharsets.UTF_8));
      }
    }
    for (List<TrainingSequence> split : List.of(train, eval)) {
      ByteBuffer n = ByteBuffer.allocate(4).putInt(split.size());
      sha.update(n.array());
      for (TrainingSequence s : split) {
        ByteBuffer b = ByteBuffer.allocate(4 + 5 * s.length()).putInt(s.length());
        for (int i = 0; i < s.length(); i++) {
          b.putInt(s.token(i)).put((byte) (s.target(i) ? 1 : 0));
        }
        sha.update(b.array());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
