package io.payable.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * V2.6 step 4 and V2.7 with the threshold on gradient shares, against values worked out by hand
 * from docs/attribution.md (the doubles' sums written out in the spec's order).
 */
class GradientThresholdTest {
  static final String A = "0x" + "aa".repeat(20);
  static final String B = "0x" + "bb".repeat(20);
  static final String C = "0x" + "cc".repeat(20);
  static final String D = "0x" + "dd".repeat(20);

  @Test
  void sharesBelowTheThresholdAreDroppedAndTheRestRemixedAsTheWorkedExample() {
    // Worked example (version 2, hybrid): gradient raw weights A 5, B 3, C 1 (W = 9); C's share
    // 1/9 is below 2,000 bps. Kept: A 5, B 3 (W' = 8, shares 0.625 and 0.375).
    Map<String, Double> gradient = Map.of(A, 5.0, B, 3.0, C, 1.0);
    Map<String, Double> kept = GradientThreshold.apply(gradient, 2_000);
    assertThat(kept).containsExactly(Map.entry(A, 5.0), Map.entry(B, 3.0));
    // Spans credit only A (p_A = 1); mu = 5,000: m_A = (1 + 0.625) / 2, m_B = 0.375 / 2.
    assertThat(HybridMix.mix(Map.of(A, 7.0), kept, 5_000))
        .containsExactly(Map.entry(A, 0.8125), Map.entry(B, 0.1875));
    // Without the threshold C stays: g = 5/9, 3/9, 1/9, so m_C = 1/18.
    assertThat(HybridMix.mix(Map.of(A, 7.0), GradientThreshold.apply(gradient, 0), 5_000))
        .containsExactly(
            Map.entry(A, (5_000 * 1.0 + 5_000 * (5.0 / 9)) / 10_000),
            Map.entry(B, (5_000 * (3.0 / 9)) / 10_000),
            Map.entry(C, (5_000 * (1.0 / 9)) / 10_000));
  }

  @Test
  void aShareEqualToTheThresholdIsKeptOneBelowIsDropped() {
    // C's share 1 / 5 is the double 0.2, equal to 2,000 / 10,000: not below, so kept.
    Map<String, Double> gradient = Map.of(A, 2.0, B, 2.0, C, 1.0);
    assertThat(GradientThreshold.apply(gradient, 2_000)).containsOnlyKeys(A, B, C);
    assertThat(GradientThreshold.apply(gradient, 2_001)).containsOnlyKeys(A, B);
    // 4,001 bps drops everyone: the gradient side is unattributed, a hybrid falls back to spans.
    assertThat(GradientThreshold.apply(gradient, 4_001)).isEmpty();
    assertThat(HybridMix.mix(Map.of(C, 3.0), GradientThreshold.apply(gradient, 4_001), 5_000))
        .containsExactly(Map.entry(C, 1.0));
    assertThat(GradientThreshold.apply(Map.of(A, 0.0), 0)).isEmpty();
  }

  @Test
  void keptWeightsAreRenormalisedInAddressOrder() {
    // Given out of address order. At 1,000 bps D (0.01 / 0.61) is dropped and A (0.1 / 0.61) kept.
    Map<String, Double> gradient = new LinkedHashMap<>();
    gradient.put(D, 0.01);
    gradient.put(C, 0.3);
    gradient.put(B, 0.2);
    gradient.put(A, 0.1);
    Map<String, Double> kept = GradientThreshold.apply(gradient, 1_000);
    assertThat(kept).containsExactly(Map.entry(A, 0.1), Map.entry(B, 0.2), Map.entry(C, 0.3));
    // W' = (0.1 + 0.2) + 0.3 = 0.6000000000000001 in address order (0.3 + 0.2 + 0.1 would be 0.6,
    // giving A 0.16666666666666669). Gradient only (mu = 10,000, no spans): m_c = g_c = raw / W'.
    assertThat(HybridMix.mix(Map.of(), kept, 10_000))
        .containsExactly(
            Map.entry(A, 0.16666666666666666),
            Map.entry(B, 0.3333333333333333),
            Map.entry(C, 0.4999999999999999));
    // Both sides attributed, mu = 10,000: the same g_c through the mix's formula.
    assertThat(HybridMix.mix(Map.of(D, 1.0), kept, 10_000))
        .containsExactly(
            Map.entry(A, 0.16666666666666666),
            Map.entry(B, 0.3333333333333333),
            Map.entry(C, 0.4999999999999999),
            Map.entry(D, 0.0));
  }
}
