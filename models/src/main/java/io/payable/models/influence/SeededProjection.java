package io.payable.models.influence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The fixed random matrices of a sketch: Rademacher (+1/-1) entries from SplitMix64, seeded per
 * adapter, factor and side (docs/attribution.md, version 2, 2). Exact integers, so every
 * implementation builds the same matrices bit for bit.
 */
public final class SeededProjection {
  private SeededProjection() {}

  /**
   * The 64-bit seed of one matrix: the first 8 bytes, big-endian, of {@code SHA-256(adapterSeed ||
   * UTF-8(factor.name() + "/" + side))}, side {@code "out"} or {@code "in"}.
   */
  public static long seed(byte[] adapterSeed, String factorName, String side) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(adapterSeed);
      sha.update((factorName + "/" + side).getBytes(StandardCharsets.UTF_8));
      byte[] d = sha.digest();
      long s = 0;
      for (int i = 0; i < 8; i++) {
        s = (s << 8) | (d[i] & 0xff);
      }
      return s;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * A {@code rows x cols} matrix, row-major, of +1/-1: entry n is -1 when bit {@code n mod 64} of
   * the {@code floor(n / 64)}-th SplitMix64 output (first output index 0) is set.
   */
  public static float[] rademacher(long seed, int rows, int cols) {
    int n = Math.multiplyExact(rows, cols);
    float[] m = new float[n];
    long state = seed;
    long word = 0;
    for (int i = 0; i < n; i++) {
      if ((i & 63) == 0) {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        word = z ^ (z >>> 31);
      }
      m[i] = ((word >>> (i & 63)) & 1L) == 0 ? 1f : -1f;
    }
    return m;
  }
}
