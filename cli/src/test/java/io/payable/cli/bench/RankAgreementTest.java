package io.payable.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankAgreementTest {

  @Test
  void spearmanOfAMonotoneMapIsOneAndOfItsReverseMinusOne() {
    double[] a = {0.3, -2, 7, 1.5};
    assertThat(RankAgreement.spearman(a, new double[] {1, 0, 1000, 2})).isEqualTo(1.0);
    assertThat(RankAgreement.spearman(a, new double[] {-1, 0, -1000, -2})).isEqualTo(-1.0);
  }

  @Test
  void spearmanWithoutTiesFollowsTheTextbookFormula() {
    // rho = 1 - 6 sum d^2 / (n (n^2 - 1)); ranks of b: 2, 0, 1, 4, 3 against 0..4.
    double[] a = {1, 2, 3, 4, 5};
    double[] b = {30, 10, 20, 50, 40};
    double d2 = 4 + 1 + 1 + 1 + 1;
    assertThat(RankAgreement.spearman(a, b)).isCloseTo(1 - 6 * d2 / (5 * 24.0), within(1e-12));
  }

  @Test
  void tiesShareTheirAverageRankAndAConstantSideHasNoRanking() {
    assertThat(RankAgreement.ranks(new double[] {5, 1, 5, 0})).containsExactly(2.5, 1, 2.5, 0);
    // By hand: rank deviations (1, -0.5, 1, -1.5) and (-1.5, -0.5, 0.5, 1.5) from the mean 1.5,
    // products sum to -3, squares to 4.5 and 5.
    assertThat(RankAgreement.spearman(new double[] {5, 1, 5, 0}, new double[] {0, 1, 2, 3}))
        .isCloseTo(-3 / Math.sqrt(4.5 * 5), within(1e-12));
    assertThat(RankAgreement.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
  }

  @Test
  void top1IsTheSingleLargestValue() {
    assertThat(RankAgreement.top1(new double[] {0.1, 0.7, 0.2}, true)).isEqualTo(1);
    assertThat(RankAgreement.top1(new double[] {0.7, 0.7, 0.2}, false)).isEqualTo(-1);
    assertThat(RankAgreement.top1(new double[] {0, 0, 0}, true)).isEqualTo(-1);
    assertThat(RankAgreement.top1(new double[] {-3, -1, -2}, false)).isEqualTo(1);
    assertThat(RankAgreement.top1(new double[] {-3, -1, -2}, true)).isEqualTo(-1);
  }
}
