package io.payable.index.shard;

import io.payable.index.tokenize.Hashing;
import io.payable.index.tokenize.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes documents into an index directory, starting a new shard whenever the current one would
 * pass {@link #shardSymbols}. Shards are sealed one by one, each atomically.
 */
public final class IndexWriter implements AutoCloseable {

  /** Default shard size: 256 Mi symbols, 2 GiB on disk. */
  public static final long DEFAULT_SHARD_SYMBOLS = 1L << 28;

  private final Path dir;
  private final Tokenizer tokenizer;
  private final long shardSymbols;
  private final List<ShardManifest> written = new ArrayList<>();
  private ShardWriter current;

  private IndexWriter(Path dir, Tokenizer tokenizer, long shardSymbols) {
    this.dir = dir;
    this.tokenizer = tokenizer;
    this.shardSymbols = shardSymbols;
  }

  public static Builder builder(Path dir, Tokenizer tokenizer) {
    return new Builder(dir, tokenizer);
  }

  /** Options of an {@link IndexWriter}. */
  public static final class Builder {
    private final Path dir;
    private final Tokenizer tokenizer;
    private long shardSymbols = DEFAULT_SHARD_SYMBOLS;

    private Builder(Path dir, Tokenizer tokenizer) {
      this.dir = dir;
      this.tokenizer = tokenizer;
    }

    /** Seal a shard before it passes this many symbols (separators included). */
    public Builder shardSymbols(long symbols) {
      if (symbols < 2 || symbols > ShardWriter.MAX_SYMBOLS) {
        throw new IllegalArgumentException("shard symbols out of range: " + symbols);
      }
      this.shardSymbols = symbols;
      return this;
    }

    public IndexWriter build() {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create index directory " + dir, e);
      }
      return new IndexWriter(dir, tokenizer, shardSymbols);
    }
  }

  /** Adds one document; seals the current shard first if the document would not fit. */
  public IndexWriter add(Document doc) {
    int[] tokens = tokenizer.encode(doc.text());
    String hash = Hashing.sha256Hex(doc.text().getBytes(StandardCharsets.UTF_8));
    return addTokens(doc.docId(), doc.datanet(), doc.contributor(), tokens, hash);
  }

  /** Adds one tokenized document. */
  public IndexWriter addTokens(
      String docId, String datanet, String contributor, int[] tokens, String contentHash) {
    if (current != null
        && current.documentCount() > 0
        && current.symbolCount() + tokens.length + 1 > shardSymbols) {
      flush();
    }
    if (current == null) {
      current = new ShardWriter(tokenizer);
    }
    current.addTokens(docId, datanet, contributor, tokens, contentHash);
    return this;
  }

  /** Seals the current shard, if it has any document. */
  public void flush() {
    if (current != null && current.documentCount() > 0) {
      written.add(current.write(IndexLayout.nextShardDir(dir)));
    }
    current = null;
  }

  /** Manifests of the shards written so far. */
  public List<ShardManifest> written() {
    return List.copyOf(written);
  }

  @Override
  public void close() {
    flush();
  }
}
