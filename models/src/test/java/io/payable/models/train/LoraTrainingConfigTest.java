package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.payable.models.Projection;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Defaults, the one-line refusals of out-of-range values, and the schedules' formulas. */
class LoraTrainingConfigTest {

  @Test
  void defaults() {
    LoraTrainingConfig c = LoraTrainingConfig.builder().build();
    assertThat(c.rank()).isEqualTo(8);
    assertThat(c.alpha()).isEqualTo(16);
    assertThat(c.scaling()).isEqualTo(2.0);
    assertThat(c.targets()).isEqualTo(EnumSet.allOf(Projection.class));
    assertThat(c.schedule()).isEqualTo(LrSchedule.LINEAR);
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.toBuilder().rank(16).rsLora(true).build().scaling()).isEqualTo(4.0);
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheirName() {
    refused(b -> b.rank(0), "rank must be in 1..1024, got 0");
    refused(b -> b.alpha(-1), "alpha must be positive, got -1.0");
    refused(b -> b.dropout(1), "dropout must be in [0, 1), got 1.0");
    refused(b -> b.targets(EnumSet.noneOf(Projection.class)), "targets must name at least one");
    refused(b -> b.learningRate(0), "learning rate must be in (0, 1], got 0.0");
    refused(b -> b.weightDecay(-0.1), "weight decay must be in [0, 1], got -0.1");
    refused(b -> b.beta1(1), "beta1 must be in [0, 1), got 1.0");
    refused(b -> b.beta2(-0.5), "beta2 must be in [0, 1), got -0.5");
    refused(b -> b.eps(0), "eps must be positive, got 0.0");
    refused(b -> b.steps(0), "steps must be in 1..10000000, got 0");
    refused(b -> b.steps(10).warmupSteps(11), "warmup steps must be in 0..steps (10), got 11");
    refused(b -> b.batchSize(0), "batch size must be in 1..4096, got 0");
    refused(b -> b.gradAccum(0), "grad accum must be in 1..4096, got 0");
    refused(b -> b.maxGradNorm(-1), "max grad norm must be >= 0");
    refused(b -> b.seqLen(1), "seq len must be in 2..1048576, got 1");
    refused(b -> b.checkpointEvery(-1), "checkpoint every must be >= 0");
    refused(b -> b.evalEvery(-1), "eval every must be >= 0");
    refused(b -> b.targetModules(List.of("q_proj", "lm_head")), "unknown target module lm_head");
    assertThat(
            LoraTrainingConfig.builder()
                .targetModules(List.of("v_proj", "q_proj"))
                .build()
                .targets())
        .containsExactlyInAnyOrder(Projection.Q_PROJ, Projection.V_PROJ);
  }

  private static void refused(UnaryOperator<LoraTrainingConfig.Builder> edit, String message) {
    assertThatThrownBy(() -> edit.apply(LoraTrainingConfig.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void stepsForEpochsRoundsTheLastStepUp() {
    assertThat(LoraTrainingConfig.stepsForEpochs(3, 20, 8, 1)).isEqualTo(8); // 60 / 8 = 7.5
    assertThat(LoraTrainingConfig.stepsForEpochs(2, 16, 4, 2)).isEqualTo(4);
    assertThatThrownBy(() -> LoraTrainingConfig.stepsForEpochs(1, 0, 8, 1))
        .hasMessage("the training set is empty");
  }

  /** transformers' get_{constant,linear,cosine}_schedule_with_warmup at warmup 2 of 10 steps. */
  @Test
  void schedulesFollowTransformers() {
    double[] linear = {0, 0.5, 1, 7 / 8.0, 6 / 8.0, 5 / 8.0, 4 / 8.0, 3 / 8.0, 2 / 8.0, 1 / 8.0};
    for (int s = 0; s < 10; s++) {
      assertThat(LrSchedule.LINEAR.factor(s, 2, 10)).isCloseTo(linear[s], within(1e-12));
      double progress = Math.max(0, (s - 2) / 8.0);
      double cosine = s < 2 ? s / 2.0 : 0.5 * (1 + Math.cos(Math.PI * progress));
      assertThat(LrSchedule.COSINE.factor(s, 2, 10)).isCloseTo(cosine, within(1e-12));
      assertThat(LrSchedule.CONSTANT.factor(s, 2, 10)).isEqualTo(s < 2 ? s / 2.0 : 1.0);
    }
    assertThat(LrSchedule.COSINE.factor(6, 2, 10)).isCloseTo(0.5, within(1e-12));
    assertThat(LrSchedule.LINEAR.factor(0, 0, 10)).isEqualTo(1.0);
  }
}
