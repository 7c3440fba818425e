package io.payable.models.influence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The flattened provenance table gives the same raw weights, bit for bit, as the per-piece
 * aggregation of docs/attribution.md V2.6 step 3, with tombstones given as contributions and
 * contributors.
 */
class ContributorInfluenceTableTest {

  @Property(tries = 200)
  void rawWeightsEqualThePerPieceAggregation(@ForAll long seed) {
    Random rnd = new Random(seed);
    int n = rnd.nextInt(40);
    List<ExampleProvenance> examples = new ArrayList<>();
    double[] scores = new double[n];
    for (int e = 0; e < n; e++) {
      List<ExampleProvenance.Piece> pieces = new ArrayList<>();
      for (int p = rnd.nextInt(4); p > 0; p--) {
        pieces.add(
            new ExampleProvenance.Piece(
                "c" + rnd.nextInt(12), "0x" + (char) ('a' + rnd.nextInt(5)), rnd.nextInt(7)));
      }
      examples.add(new ExampleProvenance(pieces));
      scores[e] = rnd.nextInt(4) == 0 ? -rnd.nextDouble() : rnd.nextGaussian() * 1e3;
    }
    Set<String> deadContributions = new TreeSet<>();
    Set<String> deadContributors = new TreeSet<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      deadContributions.add("c" + rnd.nextInt(12));
    }
    if (rnd.nextBoolean()) {
      deadContributors.add("0x" + (char) ('a' + rnd.nextInt(5)));
    }
    ContributorInfluence.Table table = ContributorInfluence.Table.of(examples);
    BitSet dead = new BitSet();
    deadContributions.forEach(c -> mark(dead, table.piecesOfContribution(c)));
    deadContributors.forEach(c -> mark(dead, table.piecesOfContributor(c.toUpperCase())));

    Map<String, Double> want =
        ContributorInfluence.rawWeights(
            scores,
            examples,
            p ->
                !deadContributions.contains(p.contributionId())
                    && !deadContributors.contains(p.contributor()));
    Map<String, Double> got = table.rawWeights(scores, dead);
    assertThat(got).isEqualTo(want);
    assertThat(List.copyOf(got.keySet())).isEqualTo(List.copyOf(want.keySet()));
    if (deadContributions.isEmpty() && deadContributors.isEmpty()) {
      assertThat(table.rawWeights(scores, null)).isEqualTo(want);
    }
  }

  private static void mark(BitSet dead, int[] pieces) {
    for (int p : pieces) {
      dead.set(p);
    }
  }
}
