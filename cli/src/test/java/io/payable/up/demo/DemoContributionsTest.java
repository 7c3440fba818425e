package io.payable.up.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.factory.dataset.ContributionTokenizer;
import org.junit.jupiter.api.Test;

class DemoContributionsTest {

  /** One token per character, plus BOS and EOS: lengths are easy to check by hand. */
  private static final ContributionTokenizer CHARS = text -> new int[text.length() + 2];

  @Test
  void aPassageIsCutToExactlyTheSequenceLength() {
    // 11 tokens = 9 characters + BOS + EOS: only a cut inside a word is exact, and it is taken.
    assertThat(DemoContributions.fit(CHARS, "call me Ishmael", 11)).isEqualTo("call me I");
    // No beginning ends in a space, so none is 10 tokens: the longest shorter one is taken.
    assertThat(DemoContributions.fit(CHARS, "call me Ishmael", 10)).isEqualTo("call me");
  }

  @Test
  void aWholeWordIsPreferredWhenItFitsExactly() {
    assertThat(DemoContributions.fit(CHARS, "call me Ishmael", 9)).isEqualTo("call me");
  }

  @Test
  void aShortPassageIsKeptWhole() {
    assertThat(DemoContributions.fit(CHARS, "call me", 64)).isEqualTo("call me");
  }
}
