package io.payable.factory.run;

import io.payable.models.train.LoraTrainer;
import io.payable.models.train.LoraTrainingConfig;
import io.payable.models.train.TrainingListener;
import io.payable.models.train.TrainingResult;
import io.payable.models.train.TrainingSequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What trains the adapter of a run: {@link LoraTrainer#train}, in production. */
@FunctionalInterface
public interface AdapterTrainer {

  TrainingResult train(
      Path baseModelDir,
      List<TrainingSequence> train,
      List<TrainingSequence> eval,
      LoraTrainingConfig cfg,
      Path runDir,
      TrainingListener listener,
      BooleanSupplier cancelled)
      throws IOException;

  /** The models/ trainer on the first GPU when there is one, else the CPU. */
  static AdapterTrainer lora() {
    return LoraTrainer.create()::train;
  }
}
