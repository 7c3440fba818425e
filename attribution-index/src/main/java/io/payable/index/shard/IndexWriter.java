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
import java.util.function.Consumer;

/**
 * Writes documents into an index directory, starting a new shard whenever the current one would
 * pass {@link Builder#shardSymbols}. Each shard is sealed atomically; with {@link
 * Builder#parallelism} above 1, up to that many shards build their suffix arrays at once while
 * documents keep being added (memory grows by about 8 bytes per symbol per shard in flight).
 */
public final class IndexWriter implements AutoCloseable {

  /** Default shard size: 256 Mi symbols, 2 GiB on disk. */
  public static final long DEFAULT_SHARD_SYMBOLS = 1L << 28;

  /** Heap per symbol of the shard being filled: its symbol array. */
  public static final long BYTES_PER_FILLING_SYMBOL = 4;

  /**
   * Heap per symbol of a shard building its suffix array: the symbols, the suffix array, a byte
   * copy of the text for byte alphabets, and slack for the writer's buffers and bucket arrays.
   */
  public static final long BYTES_PER_SEALING_SYMBOL = 10;

  /** Smallest shard a memory budget may lead to. */
  static final long MIN_BUDGETED_SHARD_SYMBOLS = 1L << 16;

  private final Path dir;
  private final Tokenizer tokenizer;
  private final long shardSymbols;
  private final ExecutorService executor;
  private final Semaphore inFlight;
  private final boolean presize;
  private final Consumer<ShardManifest> onSealed;
  private final List<Future<ShardManifest>> sealed = new ArrayList<>();
  private int nextNumber;
  private ShardWriter current;

  private IndexWriter(
      Path dir,
      Tokenizer tokenizer,
      long shardSymbols,
      int parallelism,
      boolean presize,
      Consumer<ShardManifest> onSealed) {
    this.dir = dir;
    this.tokenizer = tokenizer;
    this.shardSymbols = shardSymbols;
    this.presize = presize;
    this.onSealed = onSealed;
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
    private long memoryBudget;
    private Consumer<ShardManifest> onSealed = m -> {};

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

    /**
     * Bounds the memory of the shards in flight: the shard being filled plus up to {@link
     * #parallelism} shards building their suffix arrays, at {@link #BYTES_PER_FILLING_SYMBOL} and
     * {@link #BYTES_PER_SEALING_SYMBOL} each. Shards are made smaller than {@link #shardSymbols}
     * when the budget requires it, and their symbol arrays are allocated once at full size.
     *
     * @param bytes heap the writer may use (leave the JVM some more for everything else)
     */
    public Builder memoryBudget(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("memory budget must not be negative: " + bytes);
      }
      this.memoryBudget = bytes;
      return this;
    }

    /** Called, on a shard-building thread, with the manifest of each shard once it is sealed. */
    public Builder onSealed(Consumer<ShardManifest> listener) {
      this.onSealed = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Symbols per shard after applying the memory budget, if any. */
    public long effectiveShardSymbols() {
      if (memoryBudget == 0) {
        return shardSymbols;
      }
      long perSymbol = BYTES_PER_FILLING_SYMBOL + BYTES_PER_SEALING_SYMBOL * parallelism;
      long fits = memoryBudget / perSymbol;
      if (fits < MIN_BUDGETED_SHARD_SYMBOLS) {
        throw new IllegalArgumentException(
            String.format(
                "memory budget of %,d bytes is too small for %d shard(s) in flight: at least"
                    + " %,d bytes are needed",
                memoryBudget, parallelism, MIN_BUDGETED_SHARD_SYMBOLS * perSymbol));
      }
      return Math.min(shardSymbols, fits);
    }

    public IndexWriter build() {
      long symbols = effectiveShardSymbols();
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create index directory " + dir, e);
      }
      return new IndexWriter(dir, tokenizer, symbols, parallelism, memoryBudget > 0, onSealed);
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
      current =
          presize ? new ShardWriter(tokenizer, (int) shardSymbols) : new ShardWriter(tokenizer);
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
      ShardManifest manifest = writer.write(target);
      onSealed.accept(manifest);
      sealed.add(java.util.concurrent.CompletableFuture.completedFuture(manifest));
      return;
    }
    // Bound the shards held in memory: wait for a free slot before handing one off.
    inFlight.acquireUninterruptibly();
    sealed.add(
        executor.submit(
            () -> {
              try {
                ShardManifest manifest = writer.write(target);
                onSealed.accept(manifest);
                return manifest;
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
