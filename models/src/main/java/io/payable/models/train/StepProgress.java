package io.payable.models.train;

import java.time.Duration;

/**
 * Where a run stands after an optimizer step.
 *
 * @param step optimizer steps done (1-based)
 * @param totalSteps optimizer steps of the run
 * @param loss the step's training loss (mean over its target tokens)
 * @param learningRate the rate the step used
 * @param tokensSeen input tokens trained on so far, resumed steps included
 * @param tokensPerSecond input tokens per second of this process's steps
 * @param elapsed wall time of this process's part of the run
 */
public record StepProgress(
    int step,
    int totalSteps,
    double loss,
    double learningRate,
    long tokensSeen,
    double tokensPerSecond,
    Duration elapsed) {

  /** The expected time to the last step at this process's pace. */
  public Duration eta(int stepsDoneHere) {
    if (stepsDoneHere <= 0) {
      return Duration.ZERO;
    }
    long perStep = elapsed.toNanos() / stepsDoneHere;
    return Duration.ofNanos(perStep * (totalSteps - step));
  }
}
