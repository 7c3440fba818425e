package io.payable.index.tokenize;

import java.nio.charset.StandardCharsets;

/** UTF-8 bytes as tokens: model-agnostic and comparable with byte-level suffix-array tools. */
public final class ByteTokenizer implements Tokenizer {

  public static final String ID = "bytes";

  private static final String HASH = Hashing.sha256Hex(ID.getBytes(StandardCharsets.UTF_8));

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String vocabularyHash() {
    return HASH;
  }

  @Override
  public int vocabularySize() {
    return 256;
  }

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] out = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i] & 0xff;
    }
    return out;
  }

  @Override
  public byte[] decodeBytes(int[] tokens, int from, int to) {
    byte[] out = new byte[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = (byte) tokens[i];
    }
    return out;
  }

  @Override
  public boolean[] wordStarts(int[] tokens) {
    boolean[] starts = new boolean[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      boolean word = Tokenizer.isWordByte((byte) tokens[i]);
      // Continuation bytes of a multi-byte character never start a word.
      boolean continuation = (tokens[i] & 0xC0) == 0x80;
      starts[i] = !continuation && (i == 0 || !word || !Tokenizer.isWordByte((byte) tokens[i - 1]));
    }
    return starts;
  }
}
