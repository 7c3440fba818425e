package io.payable.up.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PassagesTest {

  private static final String PASSAGE =
      "Call me Ishmael. Some years ago never mind how long precisely having little or no money in"
          + " my purse";

  @Test
  void aContinuationOfThePassageSharesItsWords() {
    assertThat(
            Passages.shareWords(
                " years ago never mind how long precisely having little", PASSAGE, 8))
        .isTrue();
  }

  @Test
  void wordsInAnotherOrderOrTooFewDoNotCount() {
    assertThat(Passages.shareWords("ago years never mind how long precisely having", PASSAGE, 8))
        .isFalse();
    assertThat(Passages.shareWords("never mind how long precisely", PASSAGE, 8)).isFalse();
    // A word that only begins a passage word is not that word.
    assertThat(Passages.shareWords("me Ishmael. Some years ago never mind ho", PASSAGE, 8))
        .isFalse();
  }
}
