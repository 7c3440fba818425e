package io.payable.factory.run;

import io.payable.factory.FactoryException;
import io.payable.factory.chain.AttributionMethod;
import io.payable.models.Projection;
import io.payable.models.train.LoraTrainingConfig;
import io.payable.models.train.LrSchedule;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A run as the CLI's options and the HTTP API's JSON name it; null means the trainer's default.
 * Both turn into a {@link TrainingRequest} here, so they check and default alike. Field names are
 * the options' names (docs/model-factory.md).
 */
public record TrainingSpec(
    Path base,
    String baseId,
    List<String> datanets,
    String name,
    Integer rank,
    Double alpha,
    Boolean rsLora,
    Double dropout,
    Integer epochs,
    Integer steps,
    Double lr,
    String schedule,
    Integer warmupSteps,
    Integer batch,
    Integer gradAccum,
    Integer seqLen,
    List<String> targets,
    Long seed,
    Double evalFraction,
    Integer checkpointEvery,
    String attribution,
    BigInteger priceWei,
    String resume) {

  /** The default share of contributions held out for the eval loss. */
  public static final double DEFAULT_EVAL_FRACTION = 0.1;

  /** This spec with another base model directory. */
  public TrainingSpec withBase(Path dir) {
    return toBuilder().base(dir).build();
  }

  /** A spec with every option at the trainer's default; set what the run names. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.base = base;
    b.baseId = baseId;
    b.datanets = datanets;
    b.name = name;
    b.rank = rank;
    b.alpha = alpha;
    b.rsLora = rsLora;
    b.dropout = dropout;
    b.epochs = epochs;
    b.steps = steps;
    b.lr = lr;
    b.schedule = schedule;
    b.warmupSteps = warmupSteps;
    b.batch = batch;
    b.gradAccum = gradAccum;
    b.seqLen = seqLen;
    b.targets = targets;
    b.seed = seed;
    b.evalFraction = evalFraction;
    b.checkpointEvery = checkpointEvery;
    b.attribution = attribution;
    b.priceWei = priceWei;
    b.resume = resume;
    return b;
  }

  /** Builder of {@link TrainingSpec}; an option left unset keeps the trainer's default. */
  public static final class Builder {
    private Path base;
    private String baseId;
    private List<String> datanets;
    private String name;
    private Integer rank;
    private Double alpha;
    private Boolean rsLora;
    private Double dropout;
    private Integer epochs;
    private Integer steps;
    private Double lr;
    private String schedule;
    private Integer warmupSteps;
    private Integer batch;
    private Integer gradAccum;
    private Integer seqLen;
    private List<String> targets;
    private Long seed;
    private Double evalFraction;
    private Integer checkpointEvery;
    private String attribution;
    private BigInteger priceWei;
    private String resume;

    private Builder() {}

    public Builder base(Path value) {
      this.base = value;
      return this;
    }

    public Builder baseId(String value) {
      this.baseId = value;
      return this;
    }

    public Builder datanets(List<String> value) {
      this.datanets = value;
      return this;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder rank(Integer value) {
      this.rank = value;
      return this;
    }

    public Builder alpha(Double value) {
      this.alpha = value;
      return this;
    }

    public Builder rsLora(Boolean value) {
      this.rsLora = value;
      return this;
    }

    public Builder dropout(Double value) {
      this.dropout = value;
      return this;
    }

    public Builder epochs(Integer value) {
      this.epochs = value;
      return this;
    }

    public Builder steps(Integer value) {
      this.steps = value;
      return this;
    }

    public Builder lr(Double value) {
      this.lr = value;
      return this;
    }

    public Builder schedule(String value) {
      this.schedule = value;
      return this;
    }

    public Builder warmupSteps(Integer value) {
      this.warmupSteps = value;
      return this;
    }

    public Builder batch(Integer value) {
      this.batch = value;
      return this;
    }

    public Builder gradAccum(Integer value) {
      this.gradAccum = value;
      return this;
    }

    public Builder seqLen(Integer value) {
      this.seqLen = value;
      return this;
    }

    public Builder targets(List<String> value) {
      this.targets = value;
      return this;
    }

    public Builder seed(Long value) {
      this.seed = value;
      return this;
    }

    public Builder evalFraction(Double value) {
      this.evalFraction = value;
      return this;
    }

    public Builder checkpointEvery(Integer value) {
      this.checkpointEvery = value;
      return this;
    }

    public Builder attribution(String value) {
      this.attribution = value;
      return this;
    }

    public Builder priceWei(BigInteger value) {
      this.priceWei = value;
      return this;
    }

    public Builder resume(String value) {
      this.resume = value;
      return this;
    }

    public TrainingSpec build() {
      return new TrainingSpec(
          base,
          baseId,
          datanets,
          name,
          rank,
          alpha,
          rsLora,
          dropout,
          epochs,
          steps,
          lr,
          schedule,
          warmupSteps,
          batch,
          gradAccum,
          seqLen,
          targets,
          seed,
          evalFraction,
          checkpointEvery,
          attribution,
          priceWei,
          resume);
    }
  }

  public TrainingRequest toRequest() {
    if (base == null) {
      throw new FactoryException("no_base", "name the base model directory (--base)");
    }
    if (datanets == null || datanets.isEmpty()) {
      throw new FactoryException("no_datanet", "name at least one Datanet (--datanet)");
    }
    if (epochs != null && steps != null) {
      throw new FactoryException("bad_hyperparameter", "give --epochs or --steps, not both");
    }
    LoraTrainingConfig cfg;
    try {
      LoraTrainingConfig.Builder b = LoraTrainingConfig.builder();
      if (rank != null) {
        b.rank(rank);
        if (alpha == null) {
          b.alpha(2.0 * rank); // PEFT users' usual alpha = 2r when only r is given
        }
      }
      if (alpha != null) {
        b.alpha(alpha);
      }
      if (rsLora != null) {
        b.rsLora(rsLora);
      }
      if (dropout != null) {
        b.dropout(dropout);
      }
      if (steps != null) {
        b.steps(steps);
      }
      if (lr != null) {
        b.learningRate(lr);
      }
      if (schedule != null) {
        b.schedule(schedule(schedule));
      }
      if (warmupSteps != null) {
        b.warmupSteps(warmupSteps);
      }
      if (batch != null) {
        b.batchSize(batch);
      }
      if (gradAccum != null) {
        b.gradAccum(gradAccum);
      }
      if (seqLen != null) {
        b.seqLen(seqLen);
      }
      if (targets != null && !targets.isEmpty()) {
        b.targetModules(targets);
      }
      if (seed != null) {
        b.seed(seed);
      }
      if (checkpointEvery != null) {
        b.checkpointEvery(checkpointEvery);
      }
      cfg = b.build();
    } catch (IllegalArgumentException e) {
      throw new FactoryException("bad_hyperparameter", e.getMessage(), e);
    }
    double fraction = evalFraction == null ? DEFAULT_EVAL_FRACTION : evalFraction;
    if (!(fraction >= 0 && fraction < 1)) {
      throw new FactoryException(
          "bad_hyperparameter", "eval fraction must be in [0, 1), got " + fraction);
    }
    if (priceWei != null && priceWei.signum() < 0) {
      throw new FactoryException("bad_hyperparameter", "price must be >= 0 wei, got " + priceWei);
    }
    return new TrainingRequest(
        base,
        baseId,
        datanets,
        name,
        cfg,
        epochs,
        fraction,
        attribution == null ? AttributionMethod.SPANS : AttributionMethod.of(attribution),
        priceWei,
        resume);
  }

  private static LrSchedule schedule(String s) {
    try {
      return LrSchedule.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("schedule must be constant, linear or cosine, got " + s);
    }
  }

  /** Projection names accepted by {@code --targets}. */
  public static List<String> targetNames() {
    return java.util.Arrays.stream(Projection.values()).map(Projection::moduleName).toList();
  }
}
