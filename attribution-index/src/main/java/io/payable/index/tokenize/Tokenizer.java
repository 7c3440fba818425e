package io.payable.index.tokenize;

/**
 * Turns text into token ids and back. Implementations are thread-safe.
 *
 * <p>Token ids lie in {@code [0, vocabularySize())}; the index stores {@code id + 1} so that 0 is
 * free for the document separator.
 */
public interface Tokenizer {

  /** Stable id recorded in each shard, e.g. {@code o200k_base}, {@code bytes}, {@code hf:NAME}. */
  String id();

  /** Hex SHA-256 identifying the vocabulary, so shards built with another one are refused. */
  String vocabularyHash();

  /** One more than the largest token id this tokenizer can produce. */
  int vocabularySize();

  /** Token ids of {@code text}, without special tokens. */
  int[] encode(String text);

  /** The raw bytes the tokens stand for; concatenation is lossless for byte-level BPE. */
  byte[] decodeBytes(int[] tokens, int from, int to);

  /** Decoded text of {@code tokens[from, to)}; malformed UTF-8 at the edges is replaced. */
  default String decode(int[] tokens, int from, int to) {
    return new String(decodeBytes(tokens, from, to), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Decoded text of all {@code tokens}. */
  default String decode(int[] tokens) {
    return decode(tokens, 0, tokens.length);
  }

  /**
   * Word-start flags, one per token: a token starts a word when it is the first one, when its text
   * begins with a character that is not a letter or digit, or when the previous token's text ends
   * with one. Spans start (and end) only at such positions.
   */
  default boolean[] wordStarts(int[] tokens) {
    boolean[] starts = new boolean[tokens.length];
    boolean previousEndsWord = true;
    for (int i = 0; i < tokens.length; i++) {
      byte[] bytes = decodeBytes(tokens, i, i + 1);
      if (bytes.length == 0) {
        starts[i] = previousEndsWord;
        continue;
      }
      starts[i] = previousEndsWord || !isWordByte(bytes[0]);
      previousEndsWord = !isWordByte(bytes[bytes.length - 1]);
    }
    return starts;
  }

  /**
   * ASCII letters and digits and every non-ASCII byte (parts of multi-byte letters) are word bytes.
   */
  static boolean isWordByte(byte b) {
    if (b < 0) {
      return true;
    }
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
  }
}
