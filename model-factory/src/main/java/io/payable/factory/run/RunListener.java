package io.payable.factory.run;

import io.payable.factory.dataset.TrainingDataset;
import io.payable.models.train.TrainingListener;

/** Hears a run: its phases, its dataset once built, and the trainer's steps and evaluations. */
public interface RunListener extends TrainingListener {

  default void onPhase(RunPhase phase) {}

  default void onDataset(TrainingDataset dataset, int totalSteps) {}

  static RunListener none() {
    return new RunListener() {};
  }
}
