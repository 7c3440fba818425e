package io.payable.index.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.index.shard.Document;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.IndexWriter;
import io.payable.index.shard.Shard;
import io.payable.index.tokenize.ByteTokenizer;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tombstone.Tombstones;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** count, locate and maximalSpans against brute-force scans of the same documents. */
class QueryPropertiesTest {

  private static final Tokenizer BYTES = new ByteTokenizer();

  /** A random corpus over a small alphabet, so matches are frequent and long. */
  record Corpus(List<Document> docs, List<int[]> tokens, Set<String> dead) {}

  static Corpus corpus(Random random, int docCount, String alphabet, int maxLength) {
    List<Document> docs = new ArrayList<>();
    List<int[]> tokens = new ArrayList<>();
    Set<String> dead = new HashSet<>();
    for (int d = 0; d < docCount; d++) {
      String text = randomText(random, alphabet, random.nextInt(maxLength + 1));
      String id = "doc-" + d;
      docs.add(new Document(id, "dn-" + (d % 2), "0xc" + (d % 3), text));
      tokens.add(BYTES.encode(text));
      if (random.nextInt(5) == 0) {
        dead.add(id);
      }
    }
    return new Corpus(docs, tokens, dead);
  }

  static String randomText(Random random, String alphabet, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static ShardedIndex build(Path dir, Corpus corpus, long shardSymbols) {
    try (IndexWriter writer = IndexWriter.builder(dir, BYTES).shardSymbols(shardSymbols).build()) {
      corpus.docs().forEach(writer::add);
    }
    ShardedIndex index = ShardedIndex.open(dir, BYTES);
    index.setTombstones(Tombstones.of(corpus.dead()));
    return index;
  }

  static boolean occursAt(int[] doc, int at, int[] q, int from, int length) {
    if (at + length > doc.length) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      if (doc[at + k] != q[from + k]) {
        return false;
      }
    }
    return true;
  }

  static long bruteCount(Corpus c, int[] q, int from, int length, boolean liveOnly) {
    long count = 0;
    for (int d = 0; d < c.tokens().size(); d++) {
      if (liveOnly && c.dead().contains(c.docs().get(d).docId())) {
        continue;
      }
      int[] doc = c.tokens().get(d);
      for (int at = 0; at < doc.length; at++) {
        if (occursAt(doc, at, q, from, length)) {
          count++;
        }
      }
    }
    return count;
  }

  @Property(tries = 60)
  void countAndLocateEqualBruteForce(
      @ForAll long seed, @ForAll @IntRange(min = 8, max = 400) int shardSymbols)
      throws IOException {
    Random random = new Random(seed);
    Corpus c = corpus(random, 1 + random.nextInt(25), "ab c", 60);
    Path dir = Files.createTempDirectory("idx");
    try (ShardedIndex index = build(dir, c, shardSymbols)) {
      for (int q = 0; q < 30; q++) {
        int[] query = BYTES.encode(randomText(random, "ab c", 1 + random.nextInt(6)));
        assertThat(index.count(query)).isEqualTo(bruteCount(c, query, 0, query.length, false));
        Set<String> expected = new HashSet<>();
        for (int d = 0; d < c.tokens().size(); d++) {
          if (c.dead().contains(c.docs().get(d).docId())) {
            continue;
          }
          int[] doc = c.tokens().get(d);
          for (int at = 0; at < doc.length; at++) {
            if (occursAt(doc, at, query, 0, query.length)) {
              expected.add(c.docs().get(d).docId() + "@" + at);
            }
          }
        }
        List<Occurrence> located = index.locate(query, Integer.MAX_VALUE);
        Set<String> actual = new HashSet<>();
        for (Occurrence o : located) {
          actual.add(o.document().docId() + "@" + o.offset());
        }
        assertThat(located).hasSize(expected.size());
        assertThat(actual).isEqualTo(expected);
        int from = random.nextInt(query.length);
        int longest = 0;
        while (from + longest < query.length
            && bruteCount(c, query, from, longest + 1, false) > 0) {
          longest++;
        }
        assertThat(index.longestMatch(query, from)).isEqualTo(longest);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Per shard, with a length cap: the longest match and its interval against brute force, on
   * documents made of a few repeated pieces, so suffixes share long prefixes with the query; and
   * the lockstep search of every start of the query at once.
   */
  @Property(tries = 40)
  void cappedLongestMatchEqualsBruteForcePerShard(
      @ForAll long seed, @ForAll @IntRange(min = 8, max = 400) int shardSymbols)
      throws IOException {
    Random random = new Random(seed);
    List<String> pieces = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      pieces.add(randomText(random, "ab", 1 + random.nextInt(12)));
    }
    List<Document> docs = new ArrayList<>();
    List<int[]> tokens = new ArrayList<>();
    for (int d = 0, count = 1 + random.nextInt(15); d < count; d++) {
      StringBuilder text = new StringBuilder();
      for (int k = random.nextInt(8); k > 0; k--) {
        text.append(pieces.get(random.nextInt(pieces.size())));
        if (random.nextInt(4) == 0) {
          text.append(randomText(random, "ab", 1));
        }
      }
      docs.add(new Document("doc-" + d, "dn", "0xc", text.toString()));
      tokens.add(BYTES.encode(text.toString()));
    }
    Corpus c = new Corpus(docs, tokens, Set.of());
    Path dir = Files.createTempDirectory("idx");
    try (ShardedIndex index = build(dir, c, shardSymbols)) {
      for (Shard shard : index.shards()) {
        // This shard's documents, for the brute-force counts.
        List<int[]> inShard = new ArrayList<>();
        for (DocumentRecord record : shard.documents()) {
          inShard.add(tokens.get(Integer.parseInt(record.docId().substring(4))));
        }
        Corpus part = new Corpus(docs, inShard, Set.of());
        for (int q = 0; q < 20; q++) {
          StringBuilder text = new StringBuilder();
          for (int k = 1 + random.nextInt(4); k > 0; k--) {
            text.append(pieces.get(random.nextInt(pieces.size())));
          }
          text.append(randomText(random, "abc", random.nextInt(3)));
          int[] query = BYTES.encode(text.toString());
          int from = random.nextInt(query.length);
          int cap = 1 + random.nextInt(query.length + 1);
          int longest = 0;
          while (longest < cap
              && from + longest < query.length
              && bruteCount(part, query, from, longest + 1, false) > 0) {
            longest++;
          }
          // The lockstep search over many starts at once, each with its own cap.
          int[] caps = new int[query.length];
          boolean[] search = new boolean[query.length];
          for (int i = 0; i < query.length; i++) {
            caps[i] = 1 + random.nextInt(query.length + 1);
            search[i] = random.nextInt(4) != 0;
          }
          int[] lengths = shard.longestMatchLengths(query, search, caps);
          for (int i = 0; i < query.length; i++) {
            int expected = 0;
            while (search[i]
                && expected < caps[i]
                && i + expected < query.length
                && bruteCount(part, query, i, expected + 1, false) > 0) {
              expected++;
            }
            assertThat(lengths[i]).as("start %d", i).isEqualTo(expected);
          }
          long[] match = shard.longestMatch(query, from, cap);
          assertThat(match[0]).isEqualTo(longest);
          if (longest > 0) {
            assertThat(match[2] - match[1])
                .isEqualTo(bruteCount(part, query, from, longest, false));
            for (long rank = match[1]; rank < match[2]; rank++) {
              for (int k = 0; k < longest; k++) {
                assertThat(shard.symbolAt(shard.suffixAt(rank) + k)).isEqualTo(query[from + k] + 1);
              }
            }
          }
        }
      }
    } finally {
      deleteTree(dir);
    }
  }

  @Property(tries = 60)
  void maximalSpansEqualBruteForce(
      @ForAll long seed,
      @ForAll @IntRange(min = 8, max = 300) int shardSymbols,
      @ForAll @IntRange(min = 1, max = 4) int minLength,
      @ForAll @IntRange(min = 1, max = 12) int maxOccurrences,
      @ForAll boolean wordBoundaries,
      @ForAll boolean delimiters)
      throws IOException {
    Random random = new Random(seed);
    String alphabet = "ab c.";
    Corpus c = corpus(random, 1 + random.nextInt(20), alphabet, 80);
    SpanParams params =
        SpanParams.builder()
            .minLength(minLength)
            .maxOccurrences(maxOccurrences)
            .maxDocuments(3)
            .wordBoundaries(wordBoundaries)
            .delimiters(delimiters ? Set.of((int) '.') : Set.of())
            .build();
    Path dir = Files.createTempDirectory("idx");
    try (ShardedIndex index = build(dir, c, shardSymbols)) {
      for (int q = 0; q < 5; q++) {
        int[] query = BYTES.encode(randomText(random, alphabet, random.nextInt(40)));
        List<Span> actual = index.maximalSpans(query, params);
        assertThat(summary(actual)).isEqualTo(summary(bruteSpans(c, query, params)));
      }
    } finally {
      deleteTree(dir);
    }
  }

  static List<String> summary(List<Span> spans) {
    return spans.stream()
        .map(
            s ->
                s.start()
                    + "+"
                    + s.length()
                    + " n="
                    + s.count()
                    + " docs="
                    + s.documentCount()
                    + " "
                    + s.documents().stream().map(SpanDocument::docId).toList()
                    // The weight bit for bit (the spec promises identical doubles).
                    + " logp="
                    + Double.toHexString(s.unigramLogProb()))
        .toList();
  }

  /** Unigram counts over every document, tombstoned ones included; no separators. */
  record Unigrams(Map<Integer, Long> counts, long total) {
    static Unigrams of(Corpus c) {
      Map<Integer, Long> counts = new HashMap<>();
      long total = 0;
      for (int[] doc : c.tokens()) {
        for (int t : doc) {
          counts.merge(t, 1L, Long::sum);
          total++;
        }
      }
      return new Unigrams(counts, total);
    }

    /**
     * docs/attribution.md section 5: each token adds {@code StrictMath.log(c(t) / N)}, left to
     * right.
     */
    double logProb(int[] q, int from, int length) {
      double sum = 0;
      for (int k = from; k < from + length; k++) {
        sum += StrictMath.log((double) counts.get(q[k]) / (double) total);
      }
      return sum;
    }
  }

  /** The maximal-span definition of docs/attribution.md, computed by scanning every document. */
  static List<Span> bruteSpans(Corpus c, int[] q, SpanParams p) {
    Unigrams unigrams = Unigrams.of(c);
    int n = q.length;
    boolean[] start = p.wordBoundaries() ? BYTES.wordStarts(q) : all(n);
    boolean[] delim = new boolean[n];
    for (int i = 0; i < n; i++) {
      delim[i] = p.delimiters().contains(q[i]);
    }
    int[] best = new int[n];
    for (int i = 0; i < n; i++) {
      if (!start[i] || delim[i]) {
        continue;
      }
      int length = 0;
      while (i + length < n
          && (length == 0 || !delim[i + length - 1])
          && bruteCount(c, q, i, length + 1, false) > 0) {
        length++;
      }
      while (length > 0 && !(i + length == n || start[i + length] || delim[i + length - 1])) {
        length--;
      }
      best[i] = length;
    }
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (best[i] == 0) {
        continue;
      }
      boolean contained = false;
      for (int j = 0; j < i; j++) {
        if (best[j] > 0 && j + best[j] >= i + best[i]) {
          contained = true;
        }
      }
      if (contained || best[i] < p.minLength()) {
        continue;
      }
      if (bruteCount(c, q, i, best[i], false) > p.maxOccurrences()) {
        continue;
      }
      long live = bruteCount(c, q, i, best[i], true);
      if (live == 0) {
        continue;
      }
      Map<String, Document> docs = new LinkedHashMap<>();
      for (int d = 0; d < c.tokens().size(); d++) {
        Document doc = c.docs().get(d);
        if (!c.dead().contains(doc.docId()) && bruteCountIn(c.tokens().get(d), q, i, best[i]) > 0) {
          docs.put(doc.docId(), doc);
        }
      }
      out.add(
          new Span(
              i,
              best[i],
              "",
              live,
              unigrams.logProb(q, i, best[i]),
              docs.size(),
              docs.values().stream()
                  .limit(p.maxDocuments())
                  .map(d -> new SpanDocument(d.docId(), d.datanet(), d.contributor()))
                  .toList()));
    }
    return out;
  }

  static long bruteCountIn(int[] doc, int[] q, int from, int length) {
    long count = 0;
    for (int at = 0; at < doc.length; at++) {
      if (occursAt(doc, at, q, from, length)) {
        count++;
      }
    }
    return count;
  }

  static boolean[] all(int n) {
    boolean[] a = new boolean[n];
    java.util.Arrays.fill(a, true);
    return a;
  }

  static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
