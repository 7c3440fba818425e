package io.payable.index.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.index.query.Span;
import io.payable.index.query.SpanDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributionScorerTest {

  private static Span span(double logProb, String... contributors) {
    List<SpanDocument> docs =
        java.util.stream.IntStream.range(0, contributors.length)
            .mapToObj(i -> new SpanDocument("doc" + i + contributors[i], "dn", contributors[i]))
            .toList();
    return new Span(0, 3, "x", docs.size(), logProb, docs.size(), docs);
  }

  @Test
  void splitsInformationContentOverDocumentsThenRenormalises() {
    // Span 1 (6 nats) over docs of A and B: 3 each. Span 2 (4 nats) over A only.
    List<ContributorScore> scores =
        new AttributionScorer(0).score(List.of(span(-6, "A", "B"), span(-4, "A")));
    assertThat(scores).extracting(ContributorScore::contributor).containsExactly("A", "B");
    // Exact: 3 + 4 = 7 and 7 / 10, 3 / 10 round to the doubles nearest 0.7 and 0.3.
    assertThat(scores.get(0).rawWeight()).isEqualTo(7.0);
    assertThat(scores.get(0).share()).isEqualTo(0.7);
    assertThat(scores.get(1).rawWeight()).isEqualTo(3.0);
    assertThat(scores.get(1).share()).isEqualTo(0.3);
  }

  @Test
  void twoDocumentsOfOneContributorBothCount() {
    List<ContributorScore> scores =
        new AttributionScorer(0).score(List.of(span(-9, "A", "A", "B")));
    assertThat(scores.get(0).rawWeight()).isEqualTo(6.0);
    assertThat(scores.get(0).share()).isEqualTo(2.0 / 3);
  }

  @Test
  void dropsSharesBelowThresholdAndRenormalises() {
    // Raw shares: A 0.90, B 0.06, C 0.04; threshold 5% drops C.
    List<ContributorScore> scores =
        new AttributionScorer(500).score(List.of(span(-90, "A"), span(-6, "B"), span(-4, "C")));
    assertThat(scores).extracting(ContributorScore::contributor).containsExactly("A", "B");
    assertThat(scores.get(0).share()).isEqualTo(0.9375);
    assertThat(scores.get(1).share()).isEqualTo(0.0625);
  }

  @Test
  void refusesASpanWhoseDocumentListWasCutShort() {
    Span cut = new Span(0, 3, "x", 3, -6, 3, List.of(new SpanDocument("d0", "dn", "A")));
    assertThatThrownBy(() -> new AttributionScorer(0).score(List.of(cut)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists 1 of its 3 documents");
  }

  @Test
  void noSpansMeansNoAttribution() {
    assertThat(new AttributionScorer(100).score(List.of())).isEmpty();
  }

  /** Attribution v2's worked example: raw weights 165/88 and 135/88 from positive influence. */
  @Test
  void sharesOfRawWeightsFollowSectionSix() {
    java.util.Map<String, Double> raw = java.util.Map.of("A", 165.0 / 88, "B", 135.0 / 88);
    List<ContributorScore> kept = new AttributionScorer(500).shares(raw);
    assertThat(kept).extracting(ContributorScore::contributor).containsExactly("A", "B");
    double total = 165.0 / 88 + 135.0 / 88;
    assertThat(kept.get(0).share()).isEqualTo((165.0 / 88) / total);
    assertThat(kept.get(1).share()).isEqualTo((135.0 / 88) / total);
    // B's 45% is below a 50% threshold: A alone, renormalised to 1.
    assertThat(new AttributionScorer(5000).shares(raw))
        .singleElement()
        .satisfies(c -> assertThat(c.share()).isEqualTo(1.0));
    assertThat(new AttributionScorer(0).shares(java.util.Map.of("A", 0.0))).isEmpty();
    assertThatThrownBy(() -> new AttributionScorer(0).shares(java.util.Map.of("A", -1.0)))
        .hasMessageContaining("raw weight of A");
  }
}
