package io.payable.factory.dataset;

import java.util.Arrays;
import java.util.List;

/**
 * One training (or eval) sequence and the contribution token ranges it was packed from; the spans
 * cover the sequence exactly, in order.
 */
public record PackedSequence(int[] tokens, List<TokenSpan> spans) {

  public PackedSequence {
    tokens = tokens.clone();
    spans = List.copyOf(spans);
    int at = 0;
    for (TokenSpan s : spans) {
      if (s.start() != at) {
        throw new IllegalArgumentException("spans must cover the sequence in order");
      }
      at += s.length();
    }
    if (at != tokens.length) {
      throw new IllegalArgumentException("spans cover " + at + " of " + tokens.length + " tokens");
    }
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  public int length() {
    return tokens.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackedSequence p
        && Arrays.equals(tokens, p.tokens)
        && spans.equals(p.spans);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(tokens) + spans.hashCode();
  }
}
