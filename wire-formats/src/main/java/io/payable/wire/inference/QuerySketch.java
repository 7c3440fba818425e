package io.payable.wire.inference;

import java.util.Arrays;

/**
 * The query sketch a worker signs into an event of a {@code gradient} or {@code hybrid} adapter
 * (docs/attribution.md, V2.4 and V2.9): a vector of bfloat16 values, stored as their little-endian
 * bytes exactly as they travel in the {@code query_sketch} column, with the prompt's token ids it
 * was computed for ({@code query_prompt}), so that anyone holding the model can recompute it from
 * the event alone. Immutable; equal when both are.
 */
public final class QuerySketch implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Largest dimension a sketch may have (attribution v2 allows k up to 4,096). */
  public static final int MAX_DIMENSION = 4096;

  /** Longest prompt a sketch may be computed for, in tokens. */
  public static final int MAX_PROMPT_TOKENS = 1 << 17;

  private final byte[] bfloat16;
  private final int[] promptTokens;

  private QuerySketch(byte[] bfloat16, int[] promptTokens) {
    this.bfloat16 = bfloat16;
    this.promptTokens = promptTokens;
  }

  /**
   * A sketch from its wire bytes: 2 bytes (little-endian bfloat16) per value, 1 to {@link
   * #MAX_DIMENSION} values, every value finite.
   *
   * @throws IllegalArgumentException for any other byte string
   */
  public static QuerySketch ofBytes(byte[] bytes, int[] promptTokens) {
    if (promptTokens.length == 0 || promptTokens.length > MAX_PROMPT_TOKENS) {
      throw new IllegalArgumentException(
          "a query sketch's prompt has 1 to "
              + MAX_PROMPT_TOKENS
              + " tokens, not "
              + promptTokens.length);
    }
    for (int t : promptTokens) {
      if (t < 0) {
        throw new IllegalArgumentException("a prompt token id is negative: " + t);
      }
    }
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
    return new QuerySketch(copy, promptTokens.clone());
  }

  /** A sketch from bfloat16 bit patterns (each the upper 16 bits of a float). */
  public static QuerySketch ofBits(short[] bits, int[] promptTokens) {
    byte[] bytes = new byte[2 * bits.length];
    for (int i = 0; i < bits.length; i++) {
      bytes[2 * i] = (byte) bits[i];
      bytes[2 * i + 1] = (byte) (bits[i] >>> 8);
    }
    return ofBytes(bytes, promptTokens);
  }

  /** The prompt's token ids (a copy), as the worker fed them to the model. */
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  /** The prompt's token ids as the {@code query_prompt} column holds them: int32 little-endian. */
  public byte[] promptBytes() {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(4 * promptTokens.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int t : promptTokens) {
      b.putInt(t);
    }
    return b.array();
  }

  /** Token ids from the {@code query_prompt} column's bytes. */
  public static int[] promptTokensOf(byte[] bytes) {
    if (bytes.length % 4 != 0) {
      throw new IllegalArgumentException("query_prompt is not a whole number of int32 values");
    }
    int[] out = new int[bytes.length / 4];
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    return out;
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
    return o instanceof QuerySketch other
        && Arrays.equals(bfloat16, other.bfloat16)
        && Arrays.equals(promptTokens, other.promptTokens);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bfloat16) + Arrays.hashCode(promptTokens);
  }

  @Override
  public String toString() {
    return "QuerySketch[dimension=" + dimension() + ", promptTokens=" + promptTokens.length + "]";
  }
}
