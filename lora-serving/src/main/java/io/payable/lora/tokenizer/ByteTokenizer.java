package io.payable.lora.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic byte-level tokenizer for small models: token id = UTF-8 byte value (0-255), 256 =
 * end of sequence. Needs no vocabulary file; a real model plugs in its own {@link Tokenizer} (for
 * example DJL's Hugging Face tokenizers).
 */
public final class ByteTokenizer implements Tokenizer {
  public static final int EOS = 256;
  public static final int VOCAB = 257;

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xff;
    }
    return ids;
  }

  @Override
  public String decode(int[] tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(tokens.length);
    for (int t : tokens) {
      if (t >= 0 && t < 256) {
        out.write(t);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int vocabSize() {
    return VOCAB;
  }

  @Override
  public int eosId() {
    return EOS;
  }

  @Override
  public String id() {
    return "bytes-v1";
  }
}
