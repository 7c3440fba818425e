package io.payable.factory.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SequencePackerTest {

  /**
   * Against a naive reference: lay every token out with its (contribution, index) label, cut every
   * seqLen, drop a last piece of one token. The packer's tokens and spans must say the same.
   */
  @Property(tries = 300)
  void packsLikeCuttingTheConcatenation(
      @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 40) Integer> lengths,
      @ForAll @IntRange(min = 2, max = 17) int seqLen) {
    List<TokenizedContribution> input = new ArrayList<>();
    List<int[]> labels = new ArrayList<>(); // {token, contribution, index}
    int next = 0;
    for (int c = 0; c < lengths.size(); c++) {
      int[] tokens = new int[lengths.get(c)];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = next++;
        labels.add(new int[] {tokens[i], c, i});
      }
      input.add(new TokenizedContribution(contribution(c), tokens));
    }
    List<List<int[]>> expected = new ArrayList<>();
    for (int start = 0; start < labels.size(); start += seqLen) {
      List<int[]> piece = labels.subList(start, Math.min(labels.size(), start + seqLen));
      if (piece.size() >= 2) {
        expected.add(piece);
      }
    }

    List<PackedSequence> packed = new SequencePacker(seqLen).pack(input);

    assertThat(packed).hasSize(expected.size());
    for (int s = 0; s < packed.size(); s++) {
      PackedSequence seq = packed.get(s);
      List<int[]> want = expected.get(s);
      assertThat(seq.length()).isEqualTo(want.size()).isLessThanOrEqualTo(seqLen);
      for (TokenSpan span : seq.spans()) {
        for (int k = 0; k < span.length(); k++) {
          int[] label = want.get(span.start() + k);
          assertThat(seq.tokens()[span.start() + k]).isEqualTo(label[0]);
          assertThat(span.contributionId()).isEqualTo(contribution(label[1]).contributionId());
          assertThat(span.sourceStart() + k).isEqualTo(label[2]);
        }
      }
    }
  }

  private static Contribution contribution(int i) {
    return new Contribution("c" + i, "0x" + "aa".repeat(32), "0x01", "0x" + "00".repeat(32), "x");
  }
}
