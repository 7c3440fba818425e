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
    return new TrainingSpec(
        dir,
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
