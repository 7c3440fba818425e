package io.payable.models.influence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.payable.models.Projection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked example of docs/attribution.md, version 2, computed by hand there. */
class WorkedExampleTest {

  @Test
  void scoresAndRawWeightsOfTheWorkedExample() {
    SketchLayout layout =
        SketchLayout.of(
            List.of(
                new SketchFactor(0, Projection.Q_PROJ, 'A', 1, 1, 1, 1),
                new SketchFactor(0, Projection.Q_PROJ, 'B', 1, 1, 1, 1)));
    List<float[]> sketches = List.of(new float[] {1, 0}, new float[] {0, -2}, new float[] {1, 2});
    BlockPreconditioner pre = BlockPreconditioner.fit(layout, sketches, 0.1);
    // H1 = 2/3 + 0.1 * 2/3 = 11/15; H2 = 8/3 + 0.1 * 8/3 = 44/15.
    assertThat(pre.inverse(0)[0]).isEqualTo((float) (15.0 / 11));
    assertThat(pre.inverse(1)[0]).isEqualTo((float) (15.0 / 44));
    double[] q = pre.precondition(new float[] {1, 1});
    float[] flat = {1, 0, 0, -2, 1, 2};
    double[] scores = InfluenceScorer.scores(q, flat, 3);
    // float32 inverses: within 1e-7 relative of 15/11, -15/22 and 45/22.
    assertThat(scores[0]).isCloseTo(15.0 / 11, offset(1e-6));
    assertThat(scores[1]).isCloseTo(-15.0 / 22, offset(1e-6));
    assertThat(scores[2]).isCloseTo(45.0 / 22, offset(1e-6));

    String a = "0x" + "aa".repeat(20);
    String b = "0x" + "bb".repeat(20);
    List<ExampleProvenance> prov =
        List.of(
            new ExampleProvenance(List.of(new ExampleProvenance.Piece("0x01", a, 10))),
            new ExampleProvenance(List.of(new ExampleProvenance.Piece("0x02", b, 5))),
            new ExampleProvenance(
                List.of(
                    new ExampleProvenance.Piece("0x03", a, 5),
                    new ExampleProvenance.Piece("0x04", b, 15))));
    Map<String, Double> raw = ContributorInfluence.rawWeights(scores, prov);
    // A = 15/11 + 45/22 * 5/20 = 165/88; B = 45/22 * 15/20 = 135/88 (example 2 is negative).
    assertThat(raw.keySet()).containsExactly(a, b);
    assertThat(raw.get(a)).isCloseTo(165.0 / 88, offset(1e-6));
    assertThat(raw.get(b)).isCloseTo(135.0 / 88, offset(1e-6));
    double w = raw.get(a) + raw.get(b);
    assertThat(raw.get(a) / w).isCloseTo(0.55, offset(1e-7));

    // Contribution 0x03 tombstoned: its 5 of example 3's 20 tokens credit no one.
    Map<String, Double> live =
        ContributorInfluence.rawWeights(scores, prov, p -> !p.contributionId().equals("0x03"));
    assertThat(live.get(a)).isCloseTo(15.0 / 11, offset(1e-6));
    assertThat(live.get(b)).isCloseTo(135.0 / 88, offset(1e-6));
  }
}
