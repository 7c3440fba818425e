package io.payable.jobs.dataset;

/**
 * What the piece cutter joins per contribution: its tokens (from the tokeniser) or its placement
 * (from the planner), one record type so both travel on one keyed stream.
 *
 * @param split the placement's split; empty for tokens
 * @param offset first position in the split's token stream (placement)
 * @param length token count (placement)
 * @param keptTokens tokens the split keeps (placement)
 * @param tokens the token ids; empty for a placement
 */
public record PieceSource(
    String contributionId, String split, long offset, int length, long keptTokens, int[] tokens) {

  static PieceSource tokens(String id, int[] tokens) {
    return new PieceSource(id, "", -1, tokens.length, -1, tokens);
  }

  static PieceSource placement(String id, String split, long offset, int length, long kept) {
    return new PieceSource(id, split, offset, length, kept, new int[0]);
  }

  boolean isPlacement() {
    return !split.isEmpty();
  }
}
