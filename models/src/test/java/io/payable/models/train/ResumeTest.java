package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.models.PeftAdapter;
import io.payable.models.SyntheticCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped mid-training (a crash in the middle of a step, or a cancellation) and started again
 * on its run directory ends with the same adapter, bit for bit, as an uninterrupted run of the same
 * seed, with dropout, accumulation, clipping, decay, warmup and a cosine schedule on.
 */
class ResumeTest {
  @TempDir static Path dir;
  private static Path base;
  private static List<TrainingSequence> train;
  private static List<TrainingSequence> eval;
  private static final LoraTrainingConfig CFG =
      LoraTrainingConfig.builder()
          .rank(4)
          .alpha(8)
          .dropout(0.1)
          .learningRate(5e-3)
          .weightDecay(0.01)
          .warmupSteps(2)
          .schedule(LrSchedule.COSINE)
          .batchSize(2)
          .gradAccum(2)
          .maxGradNorm(0.5)
          .steps(7)
          .seqLen(24)
          .seed(11)
          .checkpointEvery(2)
          .evalEvery(3)
          .build();
  private static TrainingResult reference;
  private static byte[] referenceWeights;

  @BeforeAll
  static void uninterrupted() throws IOException {
    base = dir.resolve("base");
    SyntheticCheckpoints.writeBase(
        base, new SyntheticCheckpoints.Spec(300, 32, 64, 2, 4, 2, 64), 3);
    SplittableRandom rnd = new SplittableRandom(5);
    train = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int[] ids = new int[8 + rnd.nextInt(17)];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = rnd.nextInt(300);
      }
      train.add(TrainingSequence.of(ids));
    }
    eval = train.subList(0, 3);
    reference =
        LoraTrainer.on(ai.djl.Device.cpu())
            .train(
                base, train, eval, CFG, dir.resolve("ref"), TrainingListener.none(), () -> false);
    referenceWeights = Files.readAllBytes(reference.adapterDir().resolve(PeftAdapter.WEIGHTS));
  }

  @Test
  void uninterruptedRunLearnsAndRecordsItsCurves() {
    assertThat(reference.losses()).hasSize(7);
    assertThat(reference.resumedFromStep()).isZero();
    assertThat(reference.evalCurve()).extracting(EvalPoint::step).containsExactly(3, 6, 7);
    assertThat(reference.losses().get(6)).isLessThan(reference.losses().get(0));
    assertThat(reference.tokensSeen()).isPositive();
  }

  @Test
  void crashMidRunThenResumeGivesTheSameAdapter() throws IOException {
    Path run = dir.resolve("crash");
    TrainingListener crashAtFive =
        new TrainingListener() {
          @Override
          public void onStep(StepProgress p) {
            if (p.step() == 5) {
              throw new IllegalStateException("simulated crash");
            }
          }
        };
    assertThatThrownBy(() -> trainer().train(base, train, eval, CFG, run, crashAtFive, () -> false))
        .hasMessage("simulated crash");
    assertThat(run.resolve(LoraTrainer.ADAPTER)).doesNotExist();
    TrainingResult resumed =
        trainer().train(base, train, eval, CFG, run, TrainingListener.none(), () -> false);
    assertThat(resumed.resumedFromStep()).isEqualTo(4);
    assertSameAsReference(resumed);
  }

  @Test
  void cancelledRunResumesToTheSameAdapter() throws IOException {
    Path run = dir.resolve("cancel");
    AtomicInteger polls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                trainer()
                    .train(
                        base,
                        train,
                        eval,
                        CFG,
                        run,
                        TrainingListener.none(),
                        () -> polls.incrementAndGet() > 3))
        .isInstanceOf(CancellationException.class);
    assertThat(run.resolve(LoraTrainer.ADAPTER)).doesNotExist();
    TrainingResult resumed =
        trainer().train(base, train, eval, CFG, run, TrainingListener.none(), () -> false);
    assertThat(resumed.resumedFromStep()).isEqualTo(2);
    assertSameAsReference(resumed);
  }

  @Test
  void aCheckpointOfAnotherRunIsRefused() {
    LoraTrainingConfig other = CFG.toBuilder().seed(12).build();
    assertThatThrownBy(
            () ->
                trainer()
                    .train(
                        base,
                        train,
                        eval,
                        other,
                        dir.resolve("ref"),
                        TrainingListener.none(),
                        () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a checkpoint of a different run");
  }

  @Test
  void aDifferentSeedGivesADifferentAdapter() throws IOException {
    TrainingResult other =
        trainer()
            .train(
                base,
                train,
                eval,
                CFG.toBuilder().seed(12).build(),
                dir.resolve("seed12"),
                TrainingListener.none(),
                () -> false);
    assertThat(Files.readAllBytes(other.adapterDir().resolve(PeftAdapter.WEIGHTS)))
        .isNotEqualTo(referenceWeights);
  }

  private static LoraTrainer trainer() {
    return LoraTrainer.on(ai.djl.Device.cpu());
  }

  private static void assertSameAsReference(TrainingResult resumed) throws IOException {
    assertThat(resumed.losses()).isEqualTo(reference.losses());
    assertThat(Files.readAllBytes(resumed.adapterDir().resolve(PeftAdapter.WEIGHTS)))
        .isEqualTo(referenceWeights);
    assertThat(resumed.evalCurve()).isEqualTo(reference.evalCurve());
    assertThat(resumed.tokensSeen()).isEqualTo(reference.tokensSeen());
  }
}
