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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Writes documents into an index directory, starting a new shard whenever the current one would
 * pass {@link Builder#shardSymbols}. Each shard is sealed atomically; with {@link
 * Builder#parallelism} above 1, up to that many shards build their suffix arrays at once while
 * documents keep being added (memory grows by about 8 bytes per symbol per shard in flight).
 */
public final class IndexWriter implements AutoCloseable {

  /** Default shard size: 256 Mi symbols, 2 GiB on disk. */
  public static final long DEFAULT_SHARD_SYMBOLS = 1L << 28;

  private final Path dir;
  private final Tokenizer tokenizer;
  private final long shardSymbols;
  private final ExecutorService executor;
  private final Semaphore inFlight;
  private final List<Future<ShardManifest>> sealed = new ArrayList<>();
  private int nextNumber;
  private ShardWriter current;

  private IndexWriter(Path dir, Tokenizer tokenizer, long shardSymbols, int parallelism) {
    this.dir = dir;
    this.tokenizer = tokenizer;
    this.shardSymbols = shardSymbols;
    this.nextNumber = IndexLayout.nextShardNumber(dir);
    this.executor =
        parallelism > 1
            ? Executors.newFixedThreadPool(
                parallelism,
                r -> {
                  Thread t = new Thread(r, "shard-build");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    this.inFlight = new Semaphore(Math.max(1, parallelism));
  }

  public static Builder builder(Path dir, Tokenizer tokenizer) {
    return new Builder(dir, tokenizer);
  }

  /** Options of an {@link IndexWriter}. */
  public static final class Builder {
    private final Path dir;
    private final Tokenizer tokenizer;
    private long shardSymbols = DEFAULT_SHARD_SYMBOLS;
    private int parallelism = 1;

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

    /** Shards sealed at the same time (default 1: sealing happens on the caller's thread). */
    public Builder parallelism(int shards) {
      if (shards < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1: " + shards);
      }
      this.parallelism = shards;
      return this;
    }

    public IndexWriter build() {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create index directory " + dir, e);
      }
      return new IndexWriter(dir, tokenizer, shardSymbols, parallelism);
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
      seal();
    }
    if (current == null) {
      current = new ShardWriter(tokenizer);
    }
    current.addTokens(docId, datanet, contributor, tokens, contentHash);
    return this;
  }

  private void seal() {
    if (current == null || current.documentCount() == 0) {
      current = null;
      return;
    }
    ShardWriter writer = current;
    Path target = IndexLayout.shardDir(dir, nextNumber++);
    current = null;
    if (executor == null) {
      sealed.add(java.util.concurrent.CompletableFuture.completedFuture(writer.write(target)));
      return;
    }
    // Bound the shards held in memory: wait for a free slot before handing one off.
    inFlight.acquireUninterruptibly();
    sealed.add(
        executor.submit(
            () -> {
              try {
                return writer.write(target);
              } finally {
                inFlight.release();
              }
            }));
  }

  /** Seals the current shard, if it has any document, and waits for every shard in flight. */
  public void flush() {
    seal();
    for (Future<ShardManifest> f : sealed) {
      await(f);
    }
  }

  /** Manifests of the shards written so far, in shard order (waits for shards in flight). */
  public List<ShardManifest> written() {
    List<ShardManifest> out = new ArrayList<>();
    for (Future<ShardManifest> f : sealed) {
      out.add(await(f));
    }
    return out;
  }

  private static ShardManifest await(Future<ShardManifest> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sealing a shard", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("sealing a shard failed", e.getCause());
    }
  }

  @Override
  public void close() {
    try {
      flush();
    } finally {
      if (executor != null) {
        executor.shutdown();
      }
    }
  }
}
