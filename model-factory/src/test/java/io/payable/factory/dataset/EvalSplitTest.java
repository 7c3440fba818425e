package io.payable.factory.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvalSplitTest {

  private static final List<String> IDS =
      IntStream.range(0, 50).mapToObj(i -> String.format("0x%02x", i)).toList();

  @Test
  void theSameIdsSeedAndFractionGiveTheSameSplitInAnyOrder() {
    List<String> shuffled = new ArrayList<>(IDS);
    Collections.shuffle(shuffled, new Random(7));
    Set<String> a = EvalSplit.evalIds(IDS, 0.2, 42);
    assertThat(EvalSplit.evalIds(shuffled, 0.2, 42)).isEqualTo(a);
    assertThat(a).hasSize(10).isSubsetOf(IDS);
    // Another seed picks other contributions (50 choose 10: the same set by chance is negligible).
    assertThat(EvalSplit.evalIds(IDS, 0.2, 43)).hasSize(10).isNotEqualTo(a);
  }

  @Test
  void smallDatanetsKeepOneEvalAndOneTrainingContribution() {
    assertThat(EvalSplit.evalIds(List.of("a", "b"), 0.1, 1)).hasSize(1);
    assertThat(EvalSplit.evalIds(List.of("a"), 0.5, 1)).isEmpty();
    assertThat(EvalSplit.evalIds(List.of("a", "b", "c"), 0.9, 1)).hasSize(2);
    assertThat(EvalSplit.evalIds(IDS, 0, 1)).isEmpty();
  }

  @Test
  void fractionsOutsideTheRangeAreRefused() {
    assertThatThrownBy(() -> EvalSplit.evalIds(IDS, 1.0, 1))
        .hasMessageContaining("eval fraction must be in [0, 1)");
    assertThatThrownBy(() -> EvalSplit.evalIds(IDS, -0.1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
