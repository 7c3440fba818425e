package io.payable.index.bench;

import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tokenizes a UTF-8 text file and writes its shard symbols ({@code token id + 1}) as u32
 * little-endian, the input of the token-level suffix-array comparison: {@code WriteTokens TEXT OUT
 * [TOKENIZER]} (default {@code o200k_base}). Prints the symbol count and the alphabet size.
 */
public final class WriteTokens {

  private WriteTokens() {}

  public static void main(String[] args) throws Exception {
    Tokenizer tokenizer = Tokenizers.byId(args.length > 2 ? args[2] : Tokenizers.DEFAULT_ID);
    String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    int[] tokens = tokenizer.encode(text);
    int max = 0;
    try (OutputStream file = Files.newOutputStream(Path.of(args[1]));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file, 1 << 20))) {
      for (int t : tokens) {
        out.writeInt(Integer.reverseBytes(t + 1));
        max = Math.max(max, t + 1);
      }
    }
    System.out.printf(
        "%s symbols=%d alphabet=%d%n",
        tokenizer.id(), tokens.length, tokenizer.vocabularySize() + 1);
  }
}
