package io.payable.ingest.submission;

import java.util.HexFormat;

/** 0x-prefixed lower-case hex, the way Ethereum tooling writes bytes. */
final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  static String encode(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }

  /**
   * Decodes {@code 0x} + exactly {@code 2 * length} hex digits.
   *
   * @throws IllegalArgumentException on any other input
   */
  static byte[] decode(String text, int length) {
    if (text.length() != 2 + 2 * length || !(text.startsWith("0x") || text.startsWith("0X"))) {
      throw new IllegalArgumentException("expected 0x followed by " + (2 * length) + " hex digits");
    }
    return HEX.parseHex(text, 2, text.length());
  }
}
