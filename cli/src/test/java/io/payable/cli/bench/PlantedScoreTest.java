package io.payable.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.payable.index.scoring.ContributorScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlantedScoreTest {

  @Test
  void recallCountsOutputsCreditingThePlantedContributorPrecisionTheirWeight() {
    PlantedScore s = new PlantedScore();
    // Right and alone.
    s.add(List.of(new ContributorScore("a", 5, 1.0)), "a");
    // Right with 0.6, a wrong one with 0.4; the wrong one is on top.
    s.add(List.of(new ContributorScore("b", 4, 0.6), new ContributorScore("a", 1, 0.4)), "a");
    // Wrong only.
    s.add(List.of(new ContributorScore("c", 2, 1.0)), "a");
    // Unattributed: counts against recall, not precision.
    s.add(List.of(), "a");

    assertThat(s.outputs()).isEqualTo(4);
    assertThat(s.attributed()).isEqualTo(3);
    assertThat(s.recall()).isEqualTo(2.0 / 4);
    assertThat(s.precision()).isCloseTo((1.0 + 0.4 + 0.0) / 3, within(1e-12));
    assertThat(s.contributorPrecision()).isEqualTo(2.0 / 4);
    assertThat(s.top1()).isEqualTo(1.0 / 4);
    assertThat(s.contributorsPerOutput()).isEqualTo(4.0 / 3);
  }

  @Test
  void precisionIsUndefinedWithoutAnAttributedOutput() {
    PlantedScore s = new PlantedScore();
    s.add(List.of(), "a");

    assertThat(s.recall()).isZero();
    assertThat(s.precision()).isNaN();
  }
}
