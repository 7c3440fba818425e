package io.payable.index.shard;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code manifest.json} of a shard: what it holds, how it was tokenized, and the size and
 * SHA-256 of every other file in the shard directory.
 */
public record ShardManifest(
    @JsonProperty("format") String format,
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("tokenizer") TokenizerInfo tokenizer,
    @JsonProperty("symbols") long symbols,
    @JsonProperty("documents") int documents,
    @JsonProperty("tokens") long tokens,
    @JsonProperty("alphabet_size") int alphabetSize,
    @JsonProperty("token_bytes") int tokenBytes,
    @JsonProperty("files") Map<String, FileInfo> files) {

  public static final String FORMAT = "payable-index-shard";

  /** Version 2 stores token symbols in {@code token_bytes} (3 or 4) bytes; version 1 in 4. */
  public static final int VERSION = 2;

  public ShardManifest {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(tokenizer, "tokenizer");
    files = Map.copyOf(files);
    if (formatVersion == 1 && tokenBytes == 0) {
      tokenBytes = 4;
    }
  }

  /** Bytes per token symbol for an alphabet: 3 while every symbol fits 24 bits. */
  public static int tokenBytesFor(int alphabetSize) {
    return alphabetSize <= 1 << 24 ? 3 : 4;
  }

  /** Tokenizer identity: shards built with different vocabularies never mix. */
  public record TokenizerInfo(
      @JsonProperty("id") String id,
      @JsonProperty("vocabulary_hash") String vocabularyHash,
      @JsonProperty("vocabulary_size") int vocabularySize) {}

  /** Size in bytes and hex SHA-256 of one file. */
  public record FileInfo(
      @JsonProperty("bytes") long bytes, @JsonProperty("sha256") String sha256) {}
}
