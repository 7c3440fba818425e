package io.payable.models.train;

/**
 * How the learning rate moves over a run, after a linear warmup from 0 to the peak over {@code
 * warmupSteps}: as transformers' {@code get_constant_schedule_with_warmup}, {@code
 * get_linear_schedule_with_warmup} and {@code get_cosine_schedule_with_warmup} (half a cosine).
 */
public enum LrSchedule {
  /** The peak rate after warmup. */
  CONSTANT,
  /** Linear decay from the peak to 0 at the last step. */
  LINEAR,
  /** Half a cosine from the peak to 0 at the last step. */
  COSINE;

  /**
   * The multiplier of the peak learning rate for the optimizer step {@code step} (0-based: the
   * first update uses step 0) of a run of {@code totalSteps} steps.
   */
  public double factor(int step, int warmupSteps, int totalSteps) {
    if (step < warmupSteps) {
      return (double) step / Math.max(1, warmupSteps);
    }
    if (this == CONSTANT) {
      return 1.0;
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return switch (this) {
      case LINEAR -> Math.max(0.0, 1.0 - progress);
      case COSINE -> Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
      case CONSTANT -> 1.0;
    };
  }
}
