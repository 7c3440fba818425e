package io.payable.models.influence;

import java.util.List;

/**
 * Whose text one training example holds: its contributions in the order they were packed, each with
 * its contributor and the number of the example's target tokens that came from it.
 */
public record ExampleProvenance(List<Piece> pieces) {
  /** One contribution's part of an example. */
  public record Piece(String contributionId, String contributor, int targetTokens) {
    public Piece {
      if (contributionId == null || contributor == null || targetTokens < 0) {
        throw new IllegalArgumentException("a piece needs ids and targetTokens >= 0");
      }
    }
  }

  public ExampleProvenance {
    pieces = List.copyOf(pieces);
  }

  /** The example's target tokens: the sum of its pieces'. */
  public long targetTokens() {
    long t = 0;
    for (Piece p : pieces) {
      t += p.targetTokens();
    }
    return t;
  }
}
