package io.payable.factory.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Where every contribution of a split lands when its tokens are laid end to end (contributions in
 * id order) and cut every {@code seqLen} tokens: the whole of the packing rule of
 * docs/model-factory.md, as a pure function of the contributions' token counts.
 *
 * <p>Only the counts are needed, so a distributed build plans on one task from a few bytes per
 * contribution and places the tokens anywhere else: a contribution's pieces follow from its offset,
 * its length, {@code seqLen} and the split's kept token count ({@link #pieces}).
 */
public final class PackingPlan {

  /** A contribution's token count, in packing order. */
  public record TokenCount(String contributionId, int tokens) {}

  /** A contribution's first position in the split's token stream. */
  public record Placement(String contributionId, long offset, int length) {}

  /** Tokens of one contribution in one sequence: {@code span.sourceStart()} is where they start. */
  public record Piece(long sequence, TokenSpan span) {}

  private final int seqLen;
  private final List<Placement> placements;
  private final long keptTokens;

  private PackingPlan(int seqLen, List<Placement> placements, long keptTokens) {
    this.seqLen = seqLen;
    this.placements = List.copyOf(placements);
    this.keptTokens = keptTokens;
  }

  /** Plans {@code counts}, already in packing order (contribution id). */
  public static PackingPlan of(int seqLen, List<TokenCount> counts) {
    checkSeqLen(seqLen);
    List<Placement> out = new ArrayList<>(counts.size());
    long offset = 0;
    for (TokenCount c : counts) {
      out.add(new Placement(c.contributionId(), offset, c.tokens()));
      offset += c.tokens();
    }
    return new PackingPlan(seqLen, out, keptTokens(seqLen, offset));
  }

  /**
   * The tokens of a stream of {@code total} tokens that are packed: everything but a last piece of
   * a single token, which predicts nothing.
   */
  public static long keptTokens(int seqLen, long total) {
    checkSeqLen(seqLen);
    return total % seqLen == 1 ? total - 1 : total;
  }

  /** The number of sequences {@code keptTokens} tokens make. */
  public static long sequences(int seqLen, long keptTokens) {
    return (keptTokens + seqLen - 1) / seqLen;
  }

  /**
   * The pieces of the contribution placed at {@code offset} with {@code length} tokens, in order,
   * in a split that keeps {@code keptTokens} tokens.
   */
  public static List<Piece> pieces(
      String contributionId, long offset, int length, int seqLen, long keptTokens) {
    List<Piece> out = new ArrayList<>();
    long end = Math.min(offset + length, keptTokens);
    long at = offset;
    while (at < end) {
      long sequence = at / seqLen;
      int start = (int) (at - sequence * seqLen);
      int take = (int) Math.min(seqLen - start, end - at);
      out.add(new Piece(sequence, new TokenSpan(contributionId, start, take, (int) (at - offset))));
      at += take;
    }
    return out;
  }

  public int seqLen() {
    return seqLen;
  }

  public List<Placement> placements() {
    return placements;
  }

  public long keptTokens() {
    return keptTokens;
  }

  public long sequences() {
    return sequences(seqLen, keptTokens);
  }

  /** The pieces of {@code placement}. */
  public List<Piece> pieces(Placement placement) {
    return pieces(
        placement.contributionId(), placement.offset(), placement.length(), seqLen, keptTokens);
  }

  private static void checkSeqLen(int seqLen) {
    if (seqLen < 2) {
      throw new IllegalArgumentException("seq len must be at least 2, got " + seqLen);
    }
  }
}
