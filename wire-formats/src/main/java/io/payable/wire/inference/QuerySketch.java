package io.payable.wire.inference;

import java.util.Arrays;

/**
 * The query sketch a worker signs into an event of a {@code gradient} or {@code hybrid} adapter
 * (docs/attribution.md, V2.4 and V2.9): a vector of bfloat16 values, stored as their little-endian
 * bytes exactly as they travel in the {@code query_sketch} column. Immutable; equal when the bytes
 * are.
 */
public final class QuerySketch implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest dimension a sketch may have (attribution v2 allows k up to 4,096). */
  public static final int MAX_DIMENSION = 4096;

  private final byte[] bfloat16;

  private QuerySketch(byte[] bfloat16) {
    this.bfloat16 = bfloat16;
  }

  /**
   * A sketch from its wire bytes: 2 bytes (little-endian bfloat16) per value, 1 to {@link
   * #MAX_DIMENSION} values, every value finite.
   *
   * @throws IllegalArgumentException for any other byte string
   */
  public static QuerySketch ofBytes(byte[] bytes) {
    if (bytes.length == 0 || bytes.length % 2 != 0 || bytes.length > 2 * MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "a query sketch is 1 to "
              + MAX_DIMENSION
              + " bfloat16 values, not "
              + bytes.length
              + " bytes");
    }
    byte[] copy = bytes.clone();
    for (int i = 0; i < copy.length; i += 2) {
      // Exponent all ones: an infinity or a NaN.
      if ((copy[i + 1] & 0x7F) == 0x7F && (copy[i] & 0x80) != 0) {
        throw new IllegalArgumentException("query sketch value " + i / 2 + " is not finite");
      }
    }
    return new QuerySketch(copy);
  }

  /** A sketch from bfloat16 bit patterns (each the upper 16 bits of a float). */
  public static QuerySketch ofBits(short[] bits) {
    byte[] bytes = new byte[2 * bits.length];
    for (int i = 0; i < bits.length; i++) {
      bytes[2 * i] = (byte) bits[i];
      bytes[2 * i + 1] = (byte) (bits[i] >>> 8);
    }
    return ofBytes(bytes);
  }

  public int dimension() {
    return bfloat16.length / 2;
  }

  /** The wire bytes (a copy). */
  public byte[] bytes() {
    return bfloat16.clone();
  }

  /** The values, decoded exactly to float. */
  public float[] values() {
    float[] out = new float[dimension()];
    for (int i = 0; i < out.length; i++) {
      int bits = (bfloat16[2 * i] & 0xFF) | (bfloat16[2 * i + 1] & 0xFF) << 8;
      out[i] = Float.intBitsToFloat(bits << 16);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuerySketch other && Arrays.equals(bfloat16, other.bfloat16);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bfloat16);
  }

  @Override
  public String toString() {
    return "QuerySketch[dimension=" + dimension() + "]";
  }
}
