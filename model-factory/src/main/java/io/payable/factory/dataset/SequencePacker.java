package io.payable.factory.dataset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packs tokenized contributions into sequences of at most {@code seqLen} tokens, as transformers'
 * {@code group_texts} does: the contributions' tokens one after another, cut every {@code seqLen}
 * tokens. Unlike {@code group_texts} the last, shorter piece is kept (a small Datanet would lose a
 * large share of its text otherwise) unless it is a single token, which predicts nothing.
 *
 * <p>The cut is {@link PackingPlan}'s and the joining is {@link #assemble}: the in-process build
 * and the Flink batch build ({@code io.payable.jobs.dataset}) use both, so they pack alike.
 */
public final class SequencePacker {

  private final int seqLen;

  public SequencePacker(int seqLen) {
    if (seqLen < 2) {
      throw new IllegalArgumentException("seq len must be at least 2, got " + seqLen);
    }
    this.seqLen = seqLen;
  }

  public List<PackedSequence> pack(List<TokenizedContribution> contributions) {
    PackingPlan plan =
        PackingPlan.of(
            seqLen,
            contributions.stream()
                .map(c -> new PackingPlan.TokenCount(c.contribution().contributionId(), c.length()))
                .toList());
    Map<Long, List<SequencePiece>> bySequence = new TreeMap<>();
    for (int i = 0; i < contributions.size(); i++) {
      int[] tokens = contributions.get(i).tokens();
      for (PackingPlan.Piece p : plan.pieces(plan.placements().get(i))) {
        bySequence
            .computeIfAbsent(p.sequence(), k -> new ArrayList<>())
            .add(SequencePiece.cut("", p, tokens));
      }
    }
    List<PackedSequence> out = new ArrayList<>(bySequence.size());
    for (List<SequencePiece> pieces : bySequence.values()) {
      out.add(assemble(pieces));
    }
    return out;
  }

  /**
   * One packed sequence from all of its pieces, in any order: they are laid out by their position
   * in the sequence and must cover it without gaps ({@link PackedSequence} checks).
   */
  public static PackedSequence assemble(List<SequencePiece> pieces) {
    List<SequencePiece> sorted = new ArrayList<>(pieces);
    sorted.sort(Comparator.comparingInt(p -> p.span().start()));
    int length = 0;
    for (SequencePiece p : sorted) {
      length += p.span().length();
    }
    int[] tokens = new int[length];
    List<TokenSpan> spans = new ArrayList<>(sorted.size());
    for (SequencePiece p : sorted) {
      TokenSpan s = p.span();
      if (s.start() + s.length() > length) {
        throw new IllegalArgumentException("pieces of a sequence overlap or leave a gap at " + s);
      }
      System.arraycopy(p.tokens(), 0, tokens, s.start(), s.length());
      spans.add(s);
    }
    return new PackedSequence(tokens, spans);
  }
}
