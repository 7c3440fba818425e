package io.payable.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.models.train.TrainingSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaveOneOutSequencesTest {

  private static AttributionQualityBenchmark.Contributor contributor(String name, int... first) {
    List<int[]> examples = List.of(new int[] {first[0], 1, 2}, new int[] {first[1], 3, 4, 5});
    return new AttributionQualityBenchmark.Contributor(
        name, name, examples, List.of("a", "b"), List.of());
  }

  @Test
  void theLeftOutContributorKeepsItsPlacesWithoutTargets() {
    var contributors =
        List.of(contributor("a", 10, 11), contributor("b", 20, 21), contributor("c", 30, 31));
    List<TrainingSequence> all = AttributionQualityBenchmark.sequences(contributors, -1);
    List<TrainingSequence> withoutB = AttributionQualityBenchmark.sequences(contributors, 1);

    // Same list, position by position: the trainer's seeded order puts each at the same step.
    assertThat(withoutB).hasSameSizeAs(all).hasSize(6);
    for (int i = 0; i < all.size(); i++) {
      assertThat(withoutB.get(i).tokens()).containsExactly(all.get(i).tokens());
      boolean isB = i == 2 || i == 3;
      assertThat(withoutB.get(i).targets()).isEqualTo(isB ? 0 : all.get(i).targets());
    }
    assertThat(all.get(2).targets()).isEqualTo(2);
    assertThat(all.get(3).targets()).isEqualTo(3);
  }
}
