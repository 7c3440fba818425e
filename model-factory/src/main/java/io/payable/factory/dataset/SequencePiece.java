package io.payable.factory.dataset;

import java.util.Arrays;

/**
 * The tokens of one contribution that land in one packed sequence of a split: what a distributed
 * build moves to the task that writes the sequence's shard.
 *
 * @param split {@code train} or {@code eval}
 * @param sequence the sequence's index in its split
 * @param span where the tokens sit in the sequence and in the contribution
 * @param tokens exactly {@code span.length()} token ids
 */
public record SequencePiece(String split, long sequence, TokenSpan span, int[] tokens) {

  public SequencePiece {
    if (tokens.length != span.length()) {
      throw new IllegalArgumentException(
          "piece of " + span.length() + " tokens holds " + tokens.length);
    }
  }

  /** The piece {@code piece} cut from a contribution's {@code tokens}. */
  public static SequencePiece cut(String split, PackingPlan.Piece piece, int[] tokens) {
    TokenSpan s = piece.span();
    return new SequencePiece(
        split,
        piece.sequence(),
        s,
        Arrays.copyOfRange(tokens, s.sourceStart(), s.sourceStart() + s.length()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SequencePiece p
        && split.equals(p.split)
        && sequence == p.sequence
        && span.equals(p.span)
        && Arrays.equals(tokens, p.tokens);
  }

  @Override
  public int hashCode() {
    return (split.hashCode() * 31 + Long.hashCode(sequence)) * 31 + span.hashCode();
  }

  @Override
  public String toString() {
    return "SequencePiece[" + split + " #" + sequence + " " + span + "]";
  }
}
