package io.payable.index.query;

import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.IndexLayout;
import io.payable.index.shard.Shard;
import io.payable.index.shard.ShardFormatException;
import io.payable.index.shard.ShardManifest;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import io.payable.index.tombstone.Tombstones;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * Queries over a set of shards built with one tokenizer. Per-shard work fans out in parallel and
 * results are merged: counts add up, longest matches take the maximum, occurrences come in shard
 * order then suffix order. Thread-safe; close it to stop the fan-out threads.
 */
public final class ShardedIndex implements AutoCloseable {

  private final List<Shard> shards;
  private final Tokenizer tokenizer;
  private final ExecutorService executor;
  private final long totalTokens;
  private volatile Tombstones tombstones;

  private ShardedIndex(
      List<Shard> shards, Tokenizer tokenizer, Tombstones tombstones, boolean parallel) {
    this.shards = List.copyOf(shards);
    this.tokenizer = tokenizer;
    this.tombstones = tombstones;
    this.totalTokens = shards.stream().mapToLong(s -> s.manifest().tokens()).sum();
    int threads =
        parallel ? Math.min(shards.size(), Runtime.getRuntime().availableProcessors()) : 1;
    this.executor =
        threads > 1
            ? Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "index-fanout");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /** Opens every shard of {@code indexDir}, resolving the tokenizer from the manifests. */
  public static ShardedIndex open(Path indexDir) {
    List<Path> dirs = IndexLayout.shardDirs(indexDir);
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("no shards in " + indexDir);
    }
    String id = Shard.readManifest(dirs.get(0)).tokenizer().id();
    return open(indexDir, Tokenizers.byId(id));
  }

  /** Opens every shard of {@code indexDir} with {@code tokenizer}, checking its vocabulary. */
  public static ShardedIndex open(Path indexDir, Tokenizer tokenizer) {
    List<Shard> shards = new ArrayList<>();
    for (Path dir : IndexLayout.shardDirs(indexDir)) {
      shards.add(Shard.open(dir));
    }
    return of(shards, tokenizer, Tombstones.load(indexDir));
  }

  /** An index over already opened shards. */
  public static ShardedIndex of(List<Shard> shards, Tokenizer tokenizer, Tombstones tombstones) {
    return of(shards, tokenizer, tombstones, true);
  }

  /**
   * An index over already opened shards that queries them one after another on the calling thread:
   * for callers that run many queries in parallel themselves (a Flink subtask per core).
   */
  public static ShardedIndex sequential(
      List<Shard> shards, Tokenizer tokenizer, Tombstones tombstones) {
    return of(shards, tokenizer, tombstones, false);
  }

  private static ShardedIndex of(
      List<Shard> shards, Tokenizer tokenizer, Tombstones tombstones, boolean parallel) {
    for (Shard shard : shards) {
      ShardManifest.TokenizerInfo info = shard.manifest().tokenizer();
      if (!info.vocabularyHash().equals(tokenizer.vocabularyHash())) {
        throw new ShardFormatException(
            shard.dir(),
            "built with tokenizer "
                + info.id()
                + " ("
                + info.vocabularyHash()
                + "), not "
                + tokenizer.id()
                + " ("
                + tokenizer.vocabularyHash()
                + ")");
      }
    }
    return new ShardedIndex(shards, tokenizer, tombstones, parallel);
  }

  public List<Shard> shards() {
    return shards;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public Tombstones tombstones() {
    return tombstones;
  }

  /** Replaces the tombstone set used by later queries. */
  public void setTombstones(Tombstones tombstones) {
    this.tombstones = tombstones;
  }

  /**
   * Builds every shard's in-memory suffix sample now, in parallel, rather than in the first
   * maximal-span query ({@link Shard#prepareSearch}); returns their heap size in bytes.
   */
  public long prepareSearch() {
    return fanOut(i -> shards.get(i).prepareSearch()).stream().mapToLong(Long::longValue).sum();
  }

  /** Tokens in the index, separators excluded. */
  public long totalTokens() {
    return totalTokens;
  }

  private <T> List<T> fanOut(IntFunction<T> perShard) {
    if (executor == null) {
      List<T> out = new ArrayList<>(shards.size());
      for (int i = 0; i < shards.size(); i++) {
        out.add(perShard.apply(i));
      }
      return out;
    }
    List<CompletableFuture<T>> futures = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      int shard = i;
      futures.add(CompletableFuture.supplyAsync(() -> perShard.apply(shard), executor));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  /** Occurrences of {@code text} (tokenized with the index tokenizer). */
  public long count(String text) {
    return count(tokenizer.encode(text));
  }

  /** Occurrences of the token sequence, tombstoned documents included (a raw count). */
  public long count(int[] tokens) {
    return fanOut(i -> shards.get(i).count(tokens)).stream().mapToLong(Long::longValue).sum();
  }

  /** Up to {@code limit} occurrences in live documents. */
  public List<Occurrence> locate(int[] tokens, int limit) {
    Tombstones dead = tombstones;
    List<List<Occurrence>> parts =
        fanOut(
            i -> {
              Shard shard = shards.get(i);
              long[] r = shard.interval(tokens, 0, tokens.length);
              return collect(i, shard, r[0], r[1], limit, dead);
            });
    List<Occurrence> out = new ArrayList<>();
    for (List<Occurrence> part : parts) {
      for (Occurrence o : part) {
        if (out.size() >= limit) {
          return out;
        }
        out.add(o);
      }
    }
    return out;
  }

  private static List<Occurrence> collect(
      int shardOrdinal, Shard shard, long lo, long hi, long limit, Tombstones dead) {
    List<Occurrence> out = new ArrayList<>();
    for (long rank = lo; rank < hi && out.size() < limit; rank++) {
      long position = shard.suffixAt(rank);
      int ordinal = shard.documentOrdinalAt(position);
      DocumentRecord doc = shard.documents().get(ordinal);
      if (!dead.contains(doc.docId())) {
        out.add(new Occurrence(shardOrdinal, ordinal, doc, (int) (position - doc.symbolOffset())));
      }
    }
    return out;
  }

  /** Longest prefix of {@code tokens[from, ...)} occurring in any shard. */
  public int longestMatch(int[] tokens, int from) {
    return fanOut(i -> shards.get(i).longestMatch(tokens, from)).stream()
        .mapToInt(Integer::intValue)
        .max()
        .orElse(0);
  }

  /** {@code ln(count / totalTokens)} of one token; negative infinity if it never occurs. */
  public double unigramLogProb(int token) {
    long count = 0;
    for (Shard shard : shards) {
      count += shard.unigramCount(token);
    }
    // StrictMath: bit-identical on every platform, as attribution scores must be.
    return StrictMath.log((double) count / totalTokens);
  }

  /** Maximal spans of {@code text}; see docs/attribution.md for the exact definition. */
  public List<Span> maximalSpans(String text, SpanParams params) {
    return maximalSpans(tokenizer.encode(text), params);
  }

  /**
   * Maximal spans of a tokenized query: this index's {@link #partialMatch} merged by {@link
   * SpanMerger}, the path a job takes with shards spread over several groups.
   */
  public List<Span> maximalSpans(int[] tokens, SpanParams params) {
    return SpanMerger.merge(List.of(partialMatch(tokens, params, defaultShardKeys())), params);
  }

  private List<String> defaultShardKeys() {
    List<String> keys = new ArrayList<>(shards.size());
    for (int i = 0; i < shards.size(); i++) {
      keys.add(String.format("%010d", i));
    }
    return keys;
  }

  /**
   * This index's part of a maximal-span query when it is one group of a larger index. For every
   * allowed start, the longest match over this group's shards (each shard scanning every start) is
   * cut back to a word boundary; the group's locally maximal spans of at least the minimum length
   * are counted and their live documents listed. See {@link PartialMatch} for why merging the parts
   * of all groups gives the maximal spans of the whole index.
   *
   * @param shardKeys one key per shard, in the order of {@link #shards()}: the shard's place among
   *     the shards of all groups
   */
  public PartialMatch partialMatch(int[] tokens, SpanParams params, List<String> shardKeys) {
    if (shardKeys.size() != shards.size()) {
      throw new IllegalArgumentException("one shard key per shard");
    }
    int n = tokens.length;
    boolean[] wordStart = wordStarts(tokens, params);
    boolean[] delimiter = new boolean[n];
    for (int i = 0; i < n; i++) {
      delimiter[i] = params.delimiters().contains(tokens[i]);
    }
    // Longest allowed length from each start: up to and including the next delimiter.
    int[] cap = new int[n];
    int nextDelimiter = n;
    for (int i = n - 1; i >= 0; i--) {
      if (delimiter[i]) {
        nextDelimiter = i;
      }
      cap[i] = nextDelimiter < n ? nextDelimiter - i + 1 : n - i;
    }
    boolean[] search = new boolean[n];
    for (int i = 0; i < n; i++) {
      search[i] = wordStart[i] && !delimiter[i];
    }
    List<int[]> perShard = fanOut(s -> shards.get(s).longestMatchLengths(tokens, search, cap));
    int[] best = new int[n];
    for (int[] lengths : perShard) {
      for (int i = 0; i < n; i++) {
        best[i] = Math.max(best[i], lengths[i]);
      }
    }
    long[] unigram = new long[n];
    for (int i = 0; i < n; i++) {
      while (best[i] > 0 && !validEnd(i + best[i], n, wordStart, delimiter)) {
        best[i]--;
      }
      for (Shard shard : shards) {
        unigram[i] += shard.unigramCount(tokens[i]);
      }
    }
    List<int[]> found = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    int maxEnd = 0;
    for (int i = 0; i < n; i++) {
      int length = best[i];
      if (length == 0 || i + length <= maxEnd) {
        continue;
      }
      maxEnd = i + length;
      if (length >= params.minLength()) {
        starts.add(i);
        found.add(Arrays.copyOfRange(tokens, i, i + length));
      }
    }
    List<PartialSpan> spans = describe(starts, found, params, shardKeys);
    return new PartialMatch(best, unigram, totalTokens, spans);
  }

  /**
   * Counts the locally maximal spans {@code found} (the query's tokens from each of {@code starts})
   * and lists their live documents in this group: one hand-off to the shard threads for all spans,
   * each shard finding every span's interval and its live documents at once.
   */
  private List<PartialSpan> describe(
      List<Integer> starts, List<int[]> found, SpanParams params, List<String> shardKeys) {
    Tombstones dead = tombstones;
    List<ShardSpans> perShard =
        fanOut(i -> ShardSpans.find(shards.get(i), found, params.maxOccurrences(), dead));
    List<PartialSpan> spans = new ArrayList<>(found.size());
    for (int k = 0; k < found.size(); k++) {
      int[] span = found.get(k);
      int from = starts.get(k);
      String text = tokenizer.decode(span);
      long raw = 0;
      for (ShardSpans part : perShard) {
        raw += part.raw[k];
      }
      if (raw > params.maxOccurrences()) {
        spans.add(new PartialSpan(from, span.length, text, raw, 0, true, List.of()));
        continue;
      }
      long live = 0;
      List<ShardDocument> docs = new ArrayList<>();
      for (int s = 0; s < shards.size(); s++) {
        ShardSpans part = perShard.get(s);
        live += part.live[k];
        List<DocumentRecord> records = shards.get(s).documents();
        for (int ordinal : part.documents.get(k)) {
          DocumentRecord d = records.get(ordinal);
          docs.add(
              new ShardDocument(
                  shardKeys.get(s), new SpanDocument(d.docId(), d.datanet(), d.contributor())));
        }
      }
      spans.add(new PartialSpan(from, span.length, text, raw, live, false, docs));
    }
    return spans;
  }

  /**
   * One shard's part of {@link #describe}: per span, its occurrences in the shard ({@code raw}),
   * and, unless there are more than the limit, its occurrences in live documents and the distinct
   * live documents' ordinals in ascending order.
   */
  private record ShardSpans(long[] raw, long[] live, List<int[]> documents) {

    static ShardSpans find(Shard shard, List<int[]> spans, long limit, Tombstones dead) {
      long[] raw = new long[spans.size()];
      long[] live = new long[spans.size()];
      List<int[]> documents = new ArrayList<>(spans.size());
      for (int k = 0; k < spans.size(); k++) {
        int[] span = spans.get(k);
        long[] r = shard.interval(span, 0, span.length);
        raw[k] = r[1] - r[0];
        if (raw[k] > limit) {
          // The whole group has more than the limit too: no documents are listed.
          documents.add(new int[0]);
          continue;
        }
        // In position order, occurrences come in document order, so each document is looked up
        // and checked against the tombstones once.
        long[] positions = new long[(int) raw[k]];
        for (int j = 0; j < positions.length; j++) {
          positions[j] = shard.suffixAt(r[0] + j);
        }
        Arrays.sort(positions);
        int[] ordinals = new int[positions.length];
        int distinct = 0;
        long nextStart = -1;
        boolean alive = false;
        boolean noneDead = dead.isEmpty();
        for (long position : positions) {
          if (position >= nextStart) {
            int ordinal = shard.documentOrdinalAt(position);
            nextStart = shard.documentStart(ordinal + 1);
            alive = noneDead || !dead.contains(shard.documents().get(ordinal).docId());
            if (alive) {
              ordinals[distinct++] = ordinal;
            }
          }
          if (alive) {
            live[k]++;
          }
        }
        documents.add(Arrays.copyOf(ordinals, distinct));
      }
      return new ShardSpans(raw, live, documents);
    }
  }

  private boolean[] wordStarts(int[] tokens, SpanParams params) {
    if (params.wordBoundaries()) {
      return tokenizer.wordStarts(tokens);
    }
    boolean[] all = new boolean[tokens.length];
    Arrays.fill(all, true);
    return all;
  }

  private static boolean validEnd(int end, int n, boolean[] wordStart, boolean[] delimiter) {
    return end == n || wordStart[end] || delimiter[end - 1];
  }

  /**
   * Text of the document around an occurrence: {@code before} tokens before it, the match of {@code
   * length} tokens, and {@code after} tokens after it, clipped to the document.
   */
  public String snippet(Occurrence occurrence, int length, int before, int after) {
    Shard shard = shards.get(occurrence.shard());
    int[] tokens =
        shard.documentTokens(
            occurrence.documentOrdinal(),
            occurrence.offset() - before,
            occurrence.offset() + length + after);
    return tokenizer.decode(tokens);
  }

  /** Full text of a document. */
  public String documentText(int shard, int documentOrdinal) {
    return tokenizer.decode(
        shards.get(shard).documentTokens(documentOrdinal, 0, Integer.MAX_VALUE));
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
