package io.payable.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class SketchAuditTest {

  @Test
  void samplingFollowsTheDigestOfTheEventId() throws Exception {
    int hits = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = "cmpl-" + i;
      // Reference: BigInteger of the first 8 digest bytes, unsigned, mod 10,000.
      byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      byte[] first = new byte[9];
      System.arraycopy(h, 0, first, 1, 8);
      int bucket = new BigInteger(first).mod(BigInteger.valueOf(10_000)).intValue();
      assertThat(SketchAudit.audited(id, 100)).isEqualTo(bucket < 100);
      assertThat(SketchAudit.audited(id, 0)).isFalse();
      assertThat(SketchAudit.audited(id, 10_000)).isTrue();
      hits += SketchAudit.audited(id, 100) ? 1 : 0;
    }
    // 1% of 20,000 = 200; binomial sd 14: within 5 sd.
    assertThat(hits).isBetween(130, 270);
  }

  @Test
  void toleranceIsARelativeL2Distance() {
    float[] q = {3, 4}; // norm 5
    assertThat(SketchAudit.matches(new float[] {3, 4.1f}, q, 200)).isTrue(); // 0.1 <= 0.1
    assertThat(SketchAudit.matches(new float[] {3, 4.11f}, q, 200)).isFalse();
    assertThat(SketchAudit.matches(new float[] {4, 3}, q, 200)).isFalse();
    assertThat(SketchAudit.matches(new float[] {3}, q, 10_000)).isFalse();
  }

  @Test
  void hybridMixesPreThresholdSharesByTheGradientWeight() {
    var spans = java.util.Map.of("a", 3.0, "b", 1.0); // 0.75, 0.25
    var grads = java.util.Map.of("b", 2.0, "c", 2.0); // 0.5, 0.5
    var m = HybridMix.mix(spans, grads, 4_000);
    assertThat(m.keySet()).containsExactly("a", "b", "c");
    assertThat(m.get("a")).isEqualTo((6_000 * 0.75) / 10_000);
    assertThat(m.get("b")).isEqualTo((6_000 * 0.25 + 4_000 * 0.5) / 10_000);
    assertThat(m.get("c")).isEqualTo((4_000 * 0.5) / 10_000);
    assertThat(HybridMix.mix(java.util.Map.of(), grads, 4_000))
        .isEqualTo(java.util.Map.of("b", 0.5, "c", 0.5));
    assertThat(HybridMix.mix(java.util.Map.of(), java.util.Map.of(), 4_000)).isEmpty();
  }
}
