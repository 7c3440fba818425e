package io.payable.models.train;

import io.payable.models.Projection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hyperparameters of a LoRA training run. Build with {@link #builder()}; every value is checked
 * when built and an out-of-range one fails with an {@link IllegalArgumentException} naming it.
 *
 * @param rank LoRA rank {@code r}, 1..1024 (default 8)
 * @param alpha {@code lora_alpha}, positive (default 16)
 * @param rsLora scale the update by {@code alpha / sqrt(r)} instead of {@code alpha / r} (default
 *     false)
 * @param dropout dropout on the LoRA input, in [0, 1) (default 0)
 * @param targets projections adapted in every layer (default all seven)
 * @param learningRate peak AdamW learning rate, in (0, 1] (default 2e-4)
 * @param weightDecay decoupled AdamW weight decay, in [0, 1] (default 0)
 * @param beta1 AdamW first-moment decay, in [0, 1) (default 0.9)
 * @param beta2 AdamW second-moment decay, in [0, 1) (default 0.999)
 * @param eps AdamW epsilon, positive (default 1e-8)
 * @param warmupSteps linear warmup steps, 0..steps (default 0)
 * @param schedule learning rate schedule after warmup (default LINEAR)
 * @param batchSize sequences per micro-batch, 1..4096 (default 8)
 * @param gradAccum micro-batches per optimizer step, 1..4096 (default 1)
 * @param maxGradNorm global gradient-norm clip, 0 for none (default 1.0)
 * @param steps optimizer steps of the run, 1..10,000,000 (default 100)
 * @param seqLen the longest training sequence in tokens, 2..1,048,576 (default 512)
 * @param seed seeds LoRA init, data order and dropout (default 42)
 * @param checkpointEvery optimizer steps between checkpoints, 0 for only the final one (default
 *     100)
 * @param evalEvery optimizer steps between evaluations, 0 for the last step only (default 0)
 */
public record LoraTrainingConfig(
    int rank,
    double alpha,
    boolean rsLora,
    double dropout,
    Set<Projection> targets,
    double learningRate,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    int warmupSteps,
    LrSchedule schedule,
    int batchSize,
    int gradAccum,
    double maxGradNorm,
    int steps,
    int seqLen,
    long seed,
    int checkpointEvery,
    int evalEvery) {

  public LoraTrainingConfig {
    check(rank >= 1 && rank <= 1024, "rank must be in 1..1024, got %s", rank);
    check(alpha > 0 && Double.isFinite(alpha), "alpha must be positive, got %s", alpha);
    check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got %s", dropout);
    check(targets != null && !targets.isEmpty(), "targets must name at least one projection", 0);
    targets = Set.copyOf(EnumSet.copyOf(targets));
    check(
        learningRate > 0 && learningRate <= 1,
        "learning rate must be in (0, 1], got %s",
        learningRate);
    check(
        weightDecay >= 0 && weightDecay <= 1,
        "weight decay must be in [0, 1], got %s",
        weightDecay);
    check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
    check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
    check(eps > 0 && Double.isFinite(eps), "eps must be positive, got %s", eps);
    check(steps >= 1 && steps <= 10_000_000, "steps must be in 1..10000000, got %s", steps);
    check(
        warmupSteps >= 0 && warmupSteps <= steps,
        "warmup steps must be in 0..steps (" + steps + "), got %s",
        warmupSteps);
    check(schedule != null, "schedule must be set", 0);
    check(batchSize >= 1 && batchSize <= 4096, "batch size must be in 1..4096, got %s", batchSize);
    check(gradAccum >= 1 && gradAccum <= 4096, "grad accum must be in 1..4096, got %s", gradAccum);
    check(
        maxGradNorm >= 0 && Double.isFinite(maxGradNorm),
        "max grad norm must be >= 0 (0: no clipping), got %s",
        maxGradNorm);
    check(seqLen >= 2 && seqLen <= 1 << 20, "seq len must be in 2..1048576, got %s", seqLen);
    check(
        checkpointEvery >= 0,
        "checkpoint every must be >= 0 (0: only the final one), got %s",
        checkpointEvery);
    check(evalEvery >= 0, "eval every must be >= 0 (0: last step only), got %s", evalEvery);
  }

  private static void check(boolean ok, String message, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(message, value));
    }
  }

  /** The factor the low-rank update is multiplied by, as PEFT computes it. */
  public double scaling() {
    return rsLora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  /** Sequences one optimizer step consumes. */
  public int sequencesPerStep() {
    return batchSize * gradAccum;
  }

  /**
   * Optimizer steps for {@code epochs} passes over {@code sequences} training sequences with this
   * batch size and accumulation (the last partial step of the last epoch rounds up).
   */
  public static int stepsForEpochs(int epochs, int sequences, int batchSize, int gradAccum) {
    check(epochs >= 1, "epochs must be >= 1, got %s", epochs);
    check(sequences >= 1, "the training set is empty", 0);
    long perStep = (long) batchSize * gradAccum;
    long steps = ((long) epochs * sequences + perStep - 1) / perStep;
    check(steps <= 10_000_000, "epochs give too many steps: %s", steps);
    return (int) steps;
  }

  /** The hyperparameters by their snake_case names, in declaration order, for manifests. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rank", rank);
    m.put("alpha", alpha);
    m.put("rs_lora", rsLora);
    m.put("dropout", dropout);
    m.put("targets", EnumSet.copyOf(targets).stream().map(Projection::moduleName).toList());
    m.put("learning_rate", learningRate);
    m.put("weight_decay", weightDecay);
    m.put("beta1", beta1);
    m.put("beta2", beta2);
    m.put("eps", eps);
    m.put("warmup_steps", warmupSteps);
    m.put("schedule", schedule.name().toLowerCase(java.util.Locale.ROOT));
    m.put("batch_size", batchSize);
    m.put("grad_accum", gradAccum);
    m.put("max_grad_norm", maxGradNorm);
    m.put("steps", steps);
    m.put("seq_len", seqLen);
    m.put("seed", seed);
    m.put("checkpoint_every", checkpointEvery);
    m.put("eval_every", evalEvery);
    return m;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .rank(rank)
        .alpha(alpha)
        .rsLora(rsLora)
        .dropout(dropout)
        .targets(targets)
        .learningRate(learningRate)
        .weightDecay(weightDecay)
        .beta1(beta1)
        .beta2(beta2)
        .eps(eps)
        .warmupSteps(warmupSteps)
        .schedule(schedule)
        .batchSize(batchSize)
        .gradAccum(gradAccum)
        .maxGradNorm(maxGradNorm)
        .steps(steps)
        .seqLen(seqLen)
        .seed(seed)
        .checkpointEvery(checkpointEvery)
        .evalEvery(evalEvery);
  }

  /** Builds a {@link LoraTrainingConfig} from the defaults listed there. */
  public static final class Builder {
    private int rank = 8;
    private double alpha = 16;
    private boolean rsLora = false;
    private double dropout = 0.0;
    private Set<Projection> targets = EnumSet.allOf(Projection.class);
    private double learningRate = 2e-4;
    private double weightDecay = 0.0;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private int warmupSteps = 0;
    private LrSchedule schedule = LrSchedule.LINEAR;
    private int batchSize = 8;
    private int gradAccum = 1;
    private double maxGradNorm = 1.0;
    private int steps = 100;
    private int seqLen = 512;
    private long seed = 42;
    private int checkpointEvery = 100;
    private int evalEvery = 0;

    private Builder() {}

    public Builder rank(int v) {
      rank = v;
      return this;
    }

    public Builder alpha(double v) {
      alpha = v;
      return this;
    }

    public Builder rsLora(boolean v) {
      rsLora = v;
      return this;
    }

    public Builder dropout(double v) {
      dropout = v;
      return this;
    }

    public Builder targets(Set<Projection> v) {
      targets = v == null ? null : EnumSet.copyOf(v);
      return this;
    }

    /** Targets by Hugging Face module name ({@code q_proj}, ...); an unknown name fails. */
    public Builder targetModules(List<String> names) {
      Set<Projection> out = EnumSet.noneOf(Projection.class);
      for (String n : names) {
        Projection p = Projection.ofModuleName(n.trim());
        check(
            p != null,
            "unknown target module %s; supported: q_proj, k_proj, v_proj, o_proj, gate_proj,"
                + " up_proj, down_proj",
            n);
        out.add(p);
      }
      targets = out;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    public Builder beta1(double v) {
      beta1 = v;
      return this;
    }

    public Builder beta2(double v) {
      beta2 = v;
      return this;
    }

    public Builder eps(double v) {
      eps = v;
      return this;
    }

    public Builder warmupSteps(int v) {
      warmupSteps = v;
      return this;
    }

    public Builder schedule(LrSchedule v) {
      schedule = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder gradAccum(int v) {
      gradAccum = v;
      return this;
    }

    public Builder maxGradNorm(double v) {
      maxGradNorm = v;
      return this;
    }

    public Builder steps(int v) {
      steps = v;
      return this;
    }

    public Builder seqLen(int v) {
      seqLen = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder evalEvery(int v) {
      evalEvery = v;
      return this;
    }

    public LoraTrainingConfig build() {
      return new LoraTrainingConfig(
          rank,
          alpha,
          rsLora,
          dropout,
          targets,
          learningRate,
          weightDecay,
          beta1,
          beta2,
          eps,
          warmupSteps,
          schedule,
          batchSize,
          gradAccum,
          maxGradNorm,
          steps,
          seqLen,
          seed,
          checkpointEvery,
          evalEvery);
    }
  }
}
