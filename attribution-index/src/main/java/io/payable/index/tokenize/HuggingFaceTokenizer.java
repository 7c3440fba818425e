package io.payable.index.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * A HuggingFace {@code tokenizer.json} loaded from a local file through DJL's bundled native
 * tokenizers library. Nothing is downloaded: the natives ship in the DJL jar and the file is local.
 */
public final class HuggingFaceTokenizer implements Tokenizer {

  private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;
  private final String id;
  private final String vocabularyHash;
  private final int vocabularySize;

  private HuggingFaceTokenizer(
      ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate,
      String id,
      String vocabularyHash,
      int vocabularySize) {
    this.delegate = delegate;
    this.id = id;
    this.vocabularyHash = vocabularyHash;
    this.vocabularySize = vocabularySize;
  }

  /** Loads {@code tokenizer.json} (or a directory holding one). */
  public static HuggingFaceTokenizer load(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    try {
      byte[] json = Files.readAllBytes(file);
      int size = vocabularySize(new ObjectMapper().readTree(json));
      // Keep DJL from reaching the network for anything.
      System.setProperty("ai.djl.offline", "true");
      ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate =
          ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
              .optTokenizerPath(file)
              .optAddSpecialTokens(false)
              .build();
      String name = file.toAbsolutePath().getParent().getFileName() + "/" + file.getFileName();
      return new HuggingFaceTokenizer(delegate, "hf:" + name, Hashing.sha256Hex(json), size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + file, e);
    }
  }

  static int vocabularySize(JsonNode root) {
    int max = -1;
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
        max = Math.max(max, it.next().getValue().asInt());
      }
    } else if (vocab.isArray()) {
      max = vocab.size() - 1;
    }
    for (JsonNode added : root.path("added_tokens")) {
      max = Math.max(max, added.path("id").asInt());
    }
    if (max < 0) {
      throw new IllegalArgumentException("tokenizer.json has no vocabulary");
    }
    return max + 1;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String vocabularyHash() {
    return vocabularyHash;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public int[] encode(String text) {
    long[] ids = delegate.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public byte[] decodeBytes(int[] tokens, int from, int to) {
    long[] ids = new long[to - from];
    for (int i = from; i < to; i++) {
      ids[i - from] = tokens[i];
    }
    return delegate.decode(ids, true).getBytes(StandardCharsets.UTF_8);
  }
}
