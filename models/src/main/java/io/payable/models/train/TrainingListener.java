package io.payable.models.train;

import java.nio.file.Path;

/**
 * Hears a run's progress, on the training thread; keep it quick. An exception thrown here stops the
 * run as a crash would: the last checkpoint stays and a later run resumes from it.
 */
public interface TrainingListener {

  /** After every optimizer step. */
  default void onStep(StepProgress progress) {}

  /** After every evaluation of the eval split. */
  default void onEval(EvalPoint point) {}

  /** After a checkpoint is complete on disk. */
  default void onCheckpoint(int step, Path dir) {}

  /** A listener that hears nothing. */
  static TrainingListener none() {
    return new TrainingListener() {};
  }
}
