package io.payable.index.tokenize;

import java.nio.file.Path;

/** Looks tokenizers up by the ids the CLI and the shard manifest use. */
public final class Tokenizers {

  /** The default index tokenizer. */
  public static final String DEFAULT_ID = "o200k_base";

  private Tokenizers() {}

  /**
   * Resolves {@code o200k_base}, {@code cl100k_base}, {@code bytes} or {@code hf:PATH} (a local
   * tokenizer.json or a directory holding one).
   */
  public static Tokenizer byId(String id) {
    if (id.startsWith("hf:")) {
      return HuggingFaceTokenizer.load(Path.of(id.substring(3)));
    }
    switch (id) {
      case "o200k_base":
        return TiktokenTokenizer.o200kBase();
      case "cl100k_base":
        return TiktokenTokenizer.cl100kBase();
      case ByteTokenizer.ID:
        return new ByteTokenizer();
      default:
        throw new IllegalArgumentException(
            "unknown tokenizer '" + id + "': use o200k_base, cl100k_base, bytes or hf:PATH");
    }
  }
}
