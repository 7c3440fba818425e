package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.payable.models.InvalidModelException;
import io.payable.models.SyntheticCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused with one line before anything is trained or written. */
class LoraTrainerInputTest {
  @TempDir static Path dir;
  private static Path base;
  private static final LoraTrainingConfig CFG =
      LoraTrainingConfig.builder().rank(2).batchSize(1).steps(1).seqLen(8).build();

  @BeforeAll
  static void base() throws Exception {
    base = dir.resolve("base");
    SyntheticCheckpoints.writeBase(
        base, new SyntheticCheckpoints.Spec(300, 16, 32, 1, 2, 1, 32), 1);
  }

  private static void refused(
      Path model, List<TrainingSequence> train, List<TrainingSequence> eval, String message) {
    Path run = dir.resolve("run-" + Math.abs(message.hashCode()));
    assertThatThrownBy(
            () ->
                LoraTrainer.on(Device.cpu())
                    .train(model, train, eval, CFG, run, TrainingListener.none(), () -> false))
        .hasMessageContaining(message)
        .hasNoCause();
    assertThat(run.resolve(LoraTrainer.ADAPTER)).doesNotExist();
  }

  @Test
  void badSequencesAreRefused() {
    TrainingSequence ok = TrainingSequence.of(1, 2, 3);
    refused(base, List.of(), List.of(), "the training set is empty");
    refused(
        base,
        List.of(TrainingSequence.of(1, 2, 3, 4, 5, 6, 7, 8, 9)),
        List.of(),
        "training sequence 0 has 9 tokens, more than seq len 8");
    refused(
        base,
        List.of(ok, TrainingSequence.of(1, 300)),
        List.of(),
        "training sequence 1 has token id 300 outside the vocabulary of 300");
    refused(
        base,
        List.of(ok),
        List.of(TrainingSequence.of(-1, 2)),
        "eval sequence 0 has token id -1 outside the vocabulary of 300");
    refused(
        base,
        List.of(new TrainingSequence(new int[] {1, 2}, new boolean[] {true, false})),
        List.of(),
        "the training set has no target tokens");
    assertThatThrownBy(() -> TrainingSequence.of(1))
        .hasMessage("a training sequence needs at least 2 tokens");
  }

  @Test
  void anUnloadableBaseIsRefused() throws Exception {
    Path broken = dir.resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
    assertThatThrownBy(
            () ->
                LoraTrainer.on(Device.cpu())
                    .train(
                        broken,
                        List.of(TrainingSequence.of(1, 2)),
                        List.of(),
                        CFG,
                        dir.resolve("run-broken"),
                        TrainingListener.none(),
                        () -> false))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("model_type gpt2 is not supported");
  }
}
