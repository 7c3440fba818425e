package io.payable.index.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.index.query.ShardedIndex;
import io.payable.index.query.SpanParams;
import io.payable.index.tokenize.ByteTokenizer;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tombstone.Tombstones;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Searches that start on the in-memory suffix sample against the same shard searched without one
 * (the plain binary search) and against brute-force scans of the shard's symbols, on documents made
 * of a few repeated pieces over two letters, so that suffixes share prefixes longer than a sample's
 * key and the searches must read past it.
 */
class SampledSearchTest {

  private static final Tokenizer BYTES = new ByteTokenizer();

  @Property(tries = 40)
  void sampledSearchesEqualPlainSearchAndBruteForce(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 4) int intervalShift,
      @ForAll @IntRange(min = 16, max = 600) int shardSymbols)
      throws IOException {
    Random random = new Random(seed);
    int interval = 1 << intervalShift;
    List<String> pieces = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      pieces.add(text(random, "ab", 1 + random.nextInt(10)));
    }
    Path dir = Files.createTempDirectory("sampled");
    try {
      try (IndexWriter writer =
          IndexWriter.builder(dir, BYTES).shardSymbols(shardSymbols).build()) {
        for (int d = 0, count = 1 + random.nextInt(30); d < count; d++) {
          StringBuilder text = new StringBuilder();
          for (int k = random.nextInt(10); k > 0; k--) {
            text.append(pieces.get(random.nextInt(pieces.size())));
            if (random.nextInt(3) == 0) {
              text.append(text(random, "abc", 1));
            }
          }
          writer.add(new Document("doc-" + d, "dn", "0xc", text.toString()));
        }
      }
      List<Shard> plain = new ArrayList<>();
      List<Shard> sampled = new ArrayList<>();
      for (Path shardDir : IndexLayout.shardDirs(dir)) {
        Shard without = Shard.open(shardDir, false, 0);
        Shard with = Shard.open(shardDir, false, interval);
        assertThat(without.prepareSearch()).isZero();
        // 16 bytes per sample, one sample per interval suffixes, plus the array header.
        long samples = (with.symbolCount() + interval - 1) / interval;
        assertThat(with.prepareSearch()).isEqualTo(16 + 16 * samples);
        plain.add(without);
        sampled.add(with);
      }
      for (int s = 0; s < plain.size(); s++) {
        Shard without = plain.get(s);
        Shard with = sampled.get(s);
        int[] symbols = new int[(int) with.symbolCount()];
        for (int p = 0; p < symbols.length; p++) {
          symbols[p] = with.symbolAt(p);
        }
        for (int q = 0; q < 15; q++) {
          StringBuilder text = new StringBuilder();
          for (int k = 1 + random.nextInt(4); k > 0; k--) {
            text.append(pieces.get(random.nextInt(pieces.size())));
          }
          text.append(text(random, "abc", random.nextInt(3)));
          int[] query = BYTES.encode(text.toString());
          boolean[] search = new boolean[query.length];
          int[] caps = new int[query.length];
          for (int i = 0; i < query.length; i++) {
            search[i] = random.nextInt(5) != 0;
            caps[i] = 1 + random.nextInt(query.length + 1);
          }
          int[] lengths = with.longestMatchLengths(query, search, caps);
          assertThat(lengths).isEqualTo(without.longestMatchLengths(query, search, caps));
          for (int i = 0; i < query.length; i++) {
            int expected = search[i] ? bruteLongest(symbols, query, i, caps[i]) : 0;
            assertThat(lengths[i]).as("start %d", i).isEqualTo(expected);
            assertThat(with.longestMatchLength(query, i, caps[i]))
                .isEqualTo(bruteLongest(symbols, query, i, caps[i]));
          }
          int from = random.nextInt(query.length);
          int to = from + random.nextInt(query.length - from + 1);
          long[] range = with.interval(query, from, to);
          assertThat(range).isEqualTo(without.interval(query, from, to));
          assertThat(range[1] - range[0]).isEqualTo(bruteCount(symbols, query, from, to - from));
        }
      }
      // Whole queries: the same spans, counts and documents with and without samples.
      SpanParams params = SpanParams.builder().minLength(2).maxOccurrences(6).build();
      try (ShardedIndex a = ShardedIndex.of(plain, BYTES, Tombstones.of(List.of("doc-1")));
          ShardedIndex b = ShardedIndex.of(sampled, BYTES, Tombstones.of(List.of("doc-1")))) {
        for (int q = 0; q < 5; q++) {
          int[] query = BYTES.encode(text(random, "abc", random.nextInt(40)));
          assertThat(b.maximalSpans(query, params)).isEqualTo(a.maximalSpans(query, params));
        }
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void aShardBuildsItsSampleOnceItKeepsServingSearches() throws IOException {
    Path dir = Files.createTempDirectory("sampled");
    try {
      try (IndexWriter writer = IndexWriter.builder(dir, BYTES).build()) {
        writer.add(new Document("doc-0", "dn", "0xc", "abracadabra abracadabra"));
      }
      Path shardDir = IndexLayout.shardDirs(dir).get(0);
      Shard shard = Shard.open(shardDir, false, 2);
      int[] query = BYTES.encode("cadabra");
      boolean[] search = new boolean[query.length];
      Arrays.fill(search, true);
      int[] caps = new int[query.length];
      Arrays.fill(caps, query.length);
      int[] expected = {7, 6, 5, 4, 3, 2, 1};
      for (int i = 0; i < Shard.SEARCHES_BEFORE_SAMPLE; i++) {
        assertThat(shard.longestMatchLengths(query, search, caps)).isEqualTo(expected);
      }
      assertThat(shard.hasSample()).isFalse();
      assertThat(shard.longestMatchLengths(query, search, caps)).isEqualTo(expected);
      assertThat(shard.hasSample()).isTrue();
      // Opened without a sample, it never builds one.
      Shard plain = Shard.open(shardDir, false, 0);
      for (int i = 0; i <= Shard.SEARCHES_BEFORE_SAMPLE; i++) {
        assertThat(plain.longestMatchLengths(query, search, caps)).isEqualTo(expected);
      }
      assertThat(plain.hasSample()).isFalse();
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void sampleIntervalMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> Shard.open(Path.of("unused"), false, 48))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two");
  }

  private static String text(Random random, String alphabet, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Occurrences of {@code query[from, from + length)} in the shard's symbols. */
  private static long bruteCount(int[] symbols, int[] query, int from, int length) {
    long count = 0;
    for (int p = 0; p < symbols.length; p++) {
      if (occursAt(symbols, p, query, from, length)) {
        count++;
      }
    }
    return count;
  }

  private static boolean occursAt(int[] symbols, int p, int[] query, int from, int length) {
    if (p + length > symbols.length) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      if (symbols[p + k] != query[from + k] + 1) {
        return false;
      }
    }
    return true;
  }

  /** Longest prefix of {@code query[from, ...)}, at most {@code cap} long, found in the shard. */
  private static int bruteLongest(int[] symbols, int[] query, int from, int cap) {
    int longest = 0;
    while (longest < cap
        && from + longest < query.length
        && bruteCount(symbols, query, from, longest + 1) > 0) {
      longest++;
    }
    return longest;
  }
}
