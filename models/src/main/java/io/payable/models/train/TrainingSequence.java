package io.payable.models.train;

import java.util.Arrays;

/**
 * One training row: token ids as the caller packed them, and which tokens are targets of the loss.
 * Token {@code i} (for {@code i >= 1}) is predicted from tokens {@code 0..i-1} and counts in the
 * loss when {@code lossMask[i]} is true, as transformers' labels with {@code -100} for ignored
 * positions; {@code lossMask[0]} is never used (nothing predicts the first token).
 *
 * @param tokens at least two token ids
 * @param lossMask one flag per token
 */
public record TrainingSequence(int[] tokens, boolean[] lossMask) {

  public TrainingSequence {
    if (tokens == null || tokens.length < 2) {
      throw new IllegalArgumentException("a training sequence needs at least 2 tokens");
    }
    if (lossMask == null || lossMask.length != tokens.length) {
      throw new IllegalArgumentException(
          "the loss mask must have one flag per token ("
              + tokens.length
              + "), got "
              + (lossMask == null ? "none" : lossMask.length));
    }
    tokens = tokens.clone();
    lossMask = lossMask.clone();
  }

  /** A sequence whose every token after the first is a target. */
  public static TrainingSequence of(int... tokens) {
    boolean[] mask = new boolean[tokens.length];
    Arrays.fill(mask, true);
    return new TrainingSequence(tokens, mask);
  }

  public int length() {
    return tokens.length;
  }

  /** Tokens that count in the loss: masked positions after the first. */
  public int targets() {
    int n = 0;
    for (int i = 1; i < lossMask.length; i++) {
      if (lossMask[i]) {
        n++;
      }
    }
    return n;
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public boolean[] lossMask() {
    return lossMask.clone();
  }

  int token(int i) {
    return tokens[i];
  }

  boolean target(int i) {
    return lossMask[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingSequence s
        && Arrays.equals(tokens, s.tokens)
        && Arrays.equals(lossMask, s.lossMask);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(lossMask);
  }

  @Override
  public String toString() {
    return "TrainingSequence[" + tokens.length + " tokens, " + targets() + " targets]";
  }
}
