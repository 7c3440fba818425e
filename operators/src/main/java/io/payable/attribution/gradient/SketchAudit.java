package io.payable.attribution.gradient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The audit of a worker's query sketch (docs/attribution.md, V2.8): which events are audited, and
 * when a signed sketch is too far from its recomputation.
 */
public final class SketchAudit {
  private SketchAudit() {}

  /**
   * Whether event {@code eventId} is audited at {@code auditBps}: the first 8 bytes of
   * SHA-256(UTF-8 event id), big-endian unsigned, modulo 10,000, are below it.
   */
  public static boolean audited(String eventId, int auditBps) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xFF);
    }
    return Long.remainderUnsigned(v, 10_000) < auditBps;
  }

  /**
   * Whether {@code ||signed - recomputed||_2 <= (toleranceBps / 10000) * ||recomputed||_2}; sums in
   * double, in index order.
   */
  public static boolean matches(float[] signed, float[] recomputed, int toleranceBps) {
    if (signed.length != recomputed.length) {
      return false;
    }
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < signed.length; i++) {
      double d = (double) signed[i] - recomputed[i];
      diff += d * d;
      norm += (double) recomputed[i] * recomputed[i];
    }
    return Math.sqrt(diff) <= (toleranceBps / 10_000.0) * Math.sqrt(norm);
  }
}
