package io.payable.models.influence;

/**
 * bfloat16, the encoding of stored and signed sketches (docs/attribution.md, version 2, V2.9): a
 * float's upper 16 bits after rounding to nearest, ties to even. Decoding is exact.
 */
public final class Bfloat16 {
  private Bfloat16() {}

  /** The nearest bfloat16 (ties to even) of a finite float. */
  public static short encode(float f) {
    if (!Float.isFinite(f)) {
      throw new IllegalArgumentException("a sketch entry must be finite: " + f);
    }
    int bits = Float.floatToRawIntBits(f);
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    short out = (short) (rounded >>> 16);
    if (!Float.isFinite(decode(out))) {
      throw new IllegalArgumentException("a sketch entry is beyond bfloat16's range: " + f);
    }
    return out;
  }

  public static float decode(short b) {
    return Float.intBitsToFloat((b & 0xFFFF) << 16);
  }
}
