package io.payable.factory.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs tokenized contributions into sequences of at most {@code seqLen} tokens, as transformers'
 * {@code group_texts} does: the contributions' tokens one after another, cut every {@code seqLen}
 * tokens. Unlike {@code group_texts} the last, shorter piece is kept (a small Datanet would lose a
 * large share of its text otherwise) unless it is a single token, which predicts nothing.
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
    List<PackedSequence> out = new ArrayList<>();
    int[] buffer = new int[seqLen];
    List<TokenSpan> spans = new ArrayList<>();
    int filled = 0;
    for (TokenizedContribution c : contributions) {
      int done = 0;
      while (done < c.length()) {
        int take = Math.min(seqLen - filled, c.length() - done);
        for (int i = 0; i < take; i++) {
          buffer[filled + i] = c.token(done + i);
        }
        spans.add(new TokenSpan(c.contribution().contributionId(), filled, take, done));
        filled += take;
        done += take;
        if (filled == seqLen) {
          out.add(new PackedSequence(buffer, spans));
          spans.clear();
          filled = 0;
        }
      }
    }
    if (filled >= 2) {
      out.add(new PackedSequence(java.util.Arrays.copyOf(buffer, filled), spans));
    }
    return out;
  }
}
