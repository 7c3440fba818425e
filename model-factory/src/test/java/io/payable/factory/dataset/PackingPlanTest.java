package io.payable.factory.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class PackingPlanTest {

  /**
   * The distributed build's route: plan from counts alone, cut each contribution on its own,
   * shuffle the pieces (tasks finish in any order), group by sequence and assemble. It must give
   * exactly the sequences of the in-process packer, which SequencePackerTest holds to a naive
   * reference.
   */
  @Property(tries = 300)
  void piecesCutApartAndAssembledInAnyOrderPackLikeThePacker(
      @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 40) Integer> lengths,
      @ForAll @IntRange(min = 2, max = 17) int seqLen,
      @ForAll long shuffleSeed) {
    List<TokenizedContribution> input = new ArrayList<>();
    int next = 0;
    for (int c = 0; c < lengths.size(); c++) {
      int[] tokens = new int[lengths.get(c)];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = next++;
      }
      input.add(new TokenizedContribution(contribution(c), tokens));
    }
    PackingPlan plan =
        PackingPlan.of(
            seqLen,
            input.stream()
                .map(t -> new PackingPlan.TokenCount(t.contribution().contributionId(), t.length()))
                .toList());

    List<SequencePiece> pieces = new ArrayList<>();
    for (int c = 0; c < input.size(); c++) {
      PackingPlan.Placement p = plan.placements().get(c);
      for (PackingPlan.Piece piece :
          PackingPlan.pieces(
              p.contributionId(), p.offset(), p.length(), seqLen, plan.keptTokens())) {
        pieces.add(SequencePiece.cut("train", piece, input.get(c).tokens()));
      }
    }
    Collections.shuffle(pieces, new Random(shuffleSeed));
    Map<Long, List<SequencePiece>> bySequence = new TreeMap<>();
    pieces.forEach(p -> bySequence.computeIfAbsent(p.sequence(), k -> new ArrayList<>()).add(p));
    List<PackedSequence> assembled =
        bySequence.values().stream().map(SequencePacker::assemble).toList();

    assertThat(assembled).isEqualTo(new SequencePacker(seqLen).pack(input));
    assertThat((long) assembled.size()).isEqualTo(plan.sequences());
    assertThat(assembled.stream().mapToLong(PackedSequence::length).sum())
        .isEqualTo(plan.keptTokens());
  }

  private static Contribution contribution(int i) {
    return new Contribution("c" + i, "0x" + "aa".repeat(32), "0x01", "0x" + "00".repeat(32), "x");
  }
}
