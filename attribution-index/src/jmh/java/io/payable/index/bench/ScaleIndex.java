package io.payable.index.bench;

import io.payable.index.query.ShardedIndex;
import io.payable.index.query.SpanParams;
import io.payable.index.shard.IndexLayout;
import io.payable.index.shard.IndexWriter;
import io.payable.index.shard.Shard;
import io.payable.index.shard.ShardManifest;
import io.payable.index.tokenize.TiktokenTokenizer;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tombstone.Tombstones;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The index at scale: builds an o200k index of any number of tokens from a real text repeated with
 * variation, then measures its size and its query latency, warm and with a cold page cache.
 *
 * <p>{@code ScaleIndex build CORPUS DIR TOKENS MEMORY_MIB PARALLELISM [SHARD_SYMBOLS]}: CORPUS is
 * cut into documents of 1,000-3,000 tokens; each copy of a document has about one token in {@value
 * #CHANGE_EVERY} replaced by a token drawn from the corpus (its unigram distribution), so copies
 * share passages of tens of tokens, not whole documents. Prints progress, the build time, bytes per
 * token on disk, peak heap and peak RSS.
 *
 * <p>{@code ScaleIndex query CORPUS DIR QUERIES [warm]}: 64- and 512-token passages of CORPUS with
 * a token replaced every ~24 tokens on average (a model output reproducing training text with
 * changes); {@code count} of the unchanged passage and {@code maximalSpans} (min length 2) of the
 * changed one, over every shard. Warm: after one pass, three timed passes. Cold: each query on an
 * index opened right after its files were dropped from the page cache ({@code posix_fadvise
 * DONTNEED}, by python3). A benchmark tool, not a test.
 */
public final class ScaleIndex {

  static final int CHANGE_EVERY = 30;

  private static final PrintStream OUT = System.out;

  private ScaleIndex() {}

  public static void main(String[] args) throws Exception {
    Tokenizer tokenizer = TiktokenTokenizer.o200kBase();
    int[] corpus = tokenizer.encode(Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
    Path dir = Path.of(args[2]);
    switch (args[0]) {
      case "build" ->
          build(
              tokenizer,
              corpus,
              dir,
              Long.parseLong(args[3]),
              Long.parseLong(args[4]) << 20,
              Integer.parseInt(args[5]),
              args.length > 6 ? Long.parseLong(args[6]) : IndexWriter.DEFAULT_SHARD_SYMBOLS);
      case "query" ->
          query(
              tokenizer,
              corpus,
              dir,
              Integer.parseInt(args[3]),
              args.length > 4 && "warm".equals(args[4]));
      default -> throw new IllegalArgumentException("build or query");
    }
  }

  static void build(
      Tokenizer tokenizer,
      int[] corpus,
      Path dir,
      long tokens,
      long memory,
      int parallelism,
      long shardSymbols)
      throws IOException {
    // Document boundaries in the corpus.
    SplittableRandom random = new SplittableRandom(11);
    List<int[]> bounds = new ArrayList<>();
    for (int at = 0; at < corpus.length; ) {
      int length = Math.min(corpus.length - at, 1_000 + random.nextInt(2_001));
      bounds.add(new int[] {at, length});
      at += length;
    }
    long start = System.nanoTime();
    AtomicInteger sealed = new AtomicInteger();
    IndexWriter.Builder builder =
        IndexWriter.builder(dir, tokenizer)
            .shardSymbols(shardSymbols)
            .parallelism(parallelism)
            .memoryBudget(memory)
            .onSealed(
                m ->
                    OUT.printf(
                        "  shard %d sealed: %,d symbols at %.0f s%n",
                        sealed.incrementAndGet(), m.symbols(), seconds(start)));
    OUT.printf(
        "building %,d tokens: %,d corpus tokens in %,d documents, memory budget %,d MiB,"
            + " %d shard(s) at once, up to %,d symbols per shard%n",
        tokens,
        corpus.length,
        bounds.size(),
        memory >> 20,
        parallelism,
        builder.effectiveShardSymbols());
    long added = 0;
    long nextReport = 100_000_000;
    int doc = 0;
    List<ShardManifest> written;
    try (IndexWriter writer = builder.build()) {
      while (added < tokens) {
        int[] b = bounds.get(doc % bounds.size());
        int length = (int) Math.min(b[1], tokens - added);
        int[] copy = Arrays.copyOfRange(corpus, b[0], b[0] + length);
        if (doc >= bounds.size()) {
          for (int k = 0; k < length; k++) {
            if (random.nextInt(CHANGE_EVERY) == 0) {
              copy[k] = corpus[random.nextInt(corpus.length)];
            }
          }
        }
        writer.addTokens("doc-" + doc, "dn-" + (doc % 8), "0x" + (doc % 1009), copy, "-");
        added += length;
        doc++;
        if (added >= nextReport) {
          OUT.printf("  %,d tokens added at %.0f s%n", added, seconds(start));
          nextReport += 100_000_000;
        }
      }
      writer.flush();
      written = writer.written();
    }
    double buildSeconds = seconds(start);
    long symbols = written.stream().mapToLong(ShardManifest::symbols).sum();
    long onDisk = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        onDisk += Files.size(p);
      }
    }
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    OUT.printf(
        "built %,d tokens (%,d symbols with separators, %,d documents) in %d shards in %.1f s"
            + " (%.2f M tokens/s)%n",
        added, symbols, doc, written.size(), buildSeconds, added / buildSeconds / 1e6);
    OUT.printf(
        "on disk %,d bytes = %.3f bytes/token; peak heap %,d MiB (sum of pool peaks); peak RSS %s%n",
        onDisk, (double) onDisk / added, peakHeap >> 20, status("VmHWM"));
  }

  static void query(Tokenizer tokenizer, int[] corpus, Path dir, int count, boolean warmOnly)
      throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    try (ShardedIndex opened =
        warmOnly ? coldIndex(dir, tokenizer) : ShardedIndex.open(dir, tokenizer)) {
      OUT.printf(
          "index: %d shards, %,d tokens (manifests %s)%n",
          opened.shards().size(),
          opened.totalTokens(),
          warmOnly ? "and sizes verified" : "and hashes verified");
    }
    {
      SpanParams params = SpanParams.builder().minLength(2).build();
      for (int length : new int[] {64, 512}) {
        int[][] passages = new int[count][];
        int[][] changed = new int[count][];
        for (int q = 0; q < count; q++) {
          int from = random.nextInt(corpus.length - length);
          passages[q] = Arrays.copyOfRange(corpus, from, from + length);
          changed[q] = passages[q].clone();
          for (int k = 0; k < length; k++) {
            if (random.nextInt(24) == 0) {
              changed[q][k] = corpus[random.nextInt(corpus.length)];
            }
          }
        }
        // Cold first: each query on a freshly opened index whose files were just dropped from
        // the page cache (mapped pages cannot be dropped, hence close, GC to unmap, evict, open).
        double[] coldCount = new double[warmOnly ? 0 : count];
        double[] coldSpans = new double[warmOnly ? 0 : count];
        long occurrences = 0;
        int spans = 0;
        for (int q = 0; q < (warmOnly ? 0 : count); q++) {
          try (ShardedIndex cold = coldIndex(dir, tokenizer)) {
            long t0 = System.nanoTime();
            occurrences += cold.count(passages[q]);
            coldCount[q] = (System.nanoTime() - t0) / 1e6;
          }
          try (ShardedIndex cold = coldIndex(dir, tokenizer)) {
            long t0 = System.nanoTime();
            spans += cold.maximalSpans(changed[q], params).size();
            coldSpans[q] = (System.nanoTime() - t0) / 1e6;
          }
        }
        // Warm: one untimed pass, then three timed passes (the warm index is closed again before
        // the next cold queries, whose pages could not be dropped while it maps them).
        ShardedIndex index = coldIndex(dir, tokenizer);
        long built = System.nanoTime();
        long sampleBytes = index.prepareSearch();
        OUT.printf(
            "  search samples built in %.1f s (page cache just dropped), %,d bytes of heap%n",
            (System.nanoTime() - built) / 1e9, sampleBytes);
        occurrences = 0;
        spans = 0;
        for (int q = 0; q < count; q++) {
          occurrences += index.count(passages[q]);
          spans += index.maximalSpans(changed[q], params).size();
        }
        double[] warmCount = new double[3 * count];
        double[] warmSpans = new double[3 * count];
        for (int r = 0; r < 3; r++) {
          for (int q = 0; q < count; q++) {
            long t0 = System.nanoTime();
            index.count(passages[q]);
            warmCount[r * count + q] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            index.maximalSpans(changed[q], params);
            warmSpans[r * count + q] = (System.nanoTime() - t0) / 1e6;
          }
        }
        index.close();
        OUT.printf(
            "%d tokens (%d queries; mean %.1f occurrences of the passage, %.1f maximal spans):%n",
            length, count, (double) occurrences / count, (double) spans / count);
        OUT.printf("  count        warm %s | cold %s%n", stats(warmCount), stats(coldCount));
        OUT.printf("  maximalSpans warm %s | cold %s%n", stats(warmSpans), stats(coldSpans));
      }
    }
  }

  private static String stats(double[] ms) {
    if (ms.length == 0) {
      return "not measured";
    }
    double[] s = ms.clone();
    Arrays.sort(s);
    return String.format(
        "median %.3f ms, p90 %.3f ms, max %.3f ms",
        s[s.length / 2],
        s[(int) Math.min(s.length - 1, Math.round(0.9 * (s.length - 1)))],
        s[s.length - 1]);
  }

  /** Opens the index (sizes checked, hashes not re-read) after dropping it from the cache. */
  private static ShardedIndex coldIndex(Path dir, Tokenizer tokenizer) throws Exception {
    System.gc(); // unmaps the buffers of indexes closed before
    evict(dir);
    List<Shard> shards = new ArrayList<>();
    for (Path shard : IndexLayout.shardDirs(dir)) {
      shards.add(Shard.open(shard, false));
    }
    return ShardedIndex.of(shards, tokenizer, Tombstones.none());
  }

  /** Drops every file of the index from the page cache. */
  private static void evict(Path dir) throws Exception {
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import os,sys\n"
                    + "for root,_,files in os.walk(sys.argv[1]):\n"
                    + "  for f in files:\n"
                    + "    fd=os.open(os.path.join(root,f),os.O_RDONLY)\n"
                    + "    os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)\n"
                    + "    os.close(fd)\n",
                dir.toString())
            .inheritIO()
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("page-cache eviction failed");
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static String status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return "n/a";
  }
}
