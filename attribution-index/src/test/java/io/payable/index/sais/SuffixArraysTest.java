package io.payable.index.sais;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SuffixArraysTest {

  /** The reference: sort suffix start positions by comparing the suffixes directly. */
  static int[] naive(int[] text) {
    Integer[] idx = new Integer[text.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> compareSuffixes(text, a, b));
    return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
  }

  static int compareSuffixes(int[] text, int a, int b) {
    while (a < text.length && b < text.length) {
      int c = Integer.compare(text[a], text[b]);
      if (c != 0) {
        return c;
      }
      a++;
      b++;
    }
    return Integer.compare(text.length - a, text.length - b);
  }

  static int alphabet(int[] text) {
    return Arrays.stream(text).max().orElse(0) + 1;
  }

  @Property(tries = 300)
  void randomTextsSmallAlphabet(@ForAll("smallAlphabetTexts") int[] text) {
    assertThat(SuffixArrays.build(text, text.length, alphabet(text))).isEqualTo(naive(text));
  }

  @Property(tries = 200)
  void randomTextsLargeAlphabet(@ForAll("largeAlphabetTexts") int[] text) {
    assertThat(SuffixArrays.build(text, text.length, 300_000)).isEqualTo(naive(text));
  }

  @Property(tries = 300)
  void repetitiveTexts(
      @ForAll @IntRange(min = 1, max = 6) int period,
      @ForAll @IntRange(min = 1, max = 200) int repeats,
      @ForAll @IntRange(min = 1, max = 4) int alphabet,
      @ForAll long seed) {
    Random random = new Random(seed);
    int[] unit = new int[period];
    for (int i = 0; i < period; i++) {
      unit[i] = random.nextInt(alphabet);
    }
    int[] text = new int[period * repeats];
    for (int i = 0; i < text.length; i++) {
      text[i] = unit[i % period];
      if (random.nextInt(50) == 0) {
        text[i] = random.nextInt(alphabet);
      }
    }
    assertThat(SuffixArrays.build(text, text.length, alphabet)).isEqualTo(naive(text));
  }

  @Property(tries = 300)
  void documentsWithSeparators(@ForAll("documentTexts") int[] text) {
    assertThat(SuffixArrays.build(text, text.length, alphabet(text))).isEqualTo(naive(text));
  }

  /**
   * The byte top level names LMS substrings by packed keys of their first seven (symbol, type)
   * pairs, through a hash table of the distinct keys or, past its size limit, by the induced LMS
   * sort. Texts of repeated words with long runs and descents give LMS substrings longer than a key
   * that share their first seven pairs; every path must give the naive order: the table, the
   * induced sort from the start (limit 0), and the switch to it midway (limit 3); also the build
   * from a {@code byte[]} text.
   */
  @Property(tries = 300)
  void byteLevelNamingPathsMatchNaive(@ForAll("wordTexts") int[] text) {
    int[] expected = naive(text);
    assertThat(SuffixArrays.build(text, text.length, 256)).isEqualTo(expected);
    if (text.length < 2) {
      return;
    }
    byte[] bytes = new byte[text.length];
    for (int i = 0; i < text.length; i++) {
      bytes[i] = (byte) text[i];
    }
    assertThat(SuffixArrays.build(bytes, bytes.length)).isEqualTo(expected);
    for (int maxTableKeys : new int[] {0, 3}) {
      int[] sa = new int[text.length];
      ByteSais.build(bytes, sa, text.length, null, maxTableKeys);
      assertThat(sa).as("table limit %d", maxTableKeys).isEqualTo(expected);
    }
  }

  /**
   * The reduced-problem level ({@link CharSais}, otherwise reached only by texts with over 65,536
   * LMS positions) on the word texts, their symbols spread over the whole {@code char} range (times
   * 257, so 255 becomes 65,535 and the order is kept), must give the naive order.
   */
  @Property(tries = 300)
  void charLevelOfWordTextsMatchesNaive(@ForAll("wordTexts") int[] text) {
    assertCharLevelMatchesNaive(text, 257);
  }

  /** As {@link #charLevelOfWordTextsMatchesNaive} on four symbols spread over the range. */
  @Property(tries = 200)
  void charLevelOfSmallAlphabetsMatchesNaive(@ForAll("smallAlphabetTexts") int[] text) {
    assertCharLevelMatchesNaive(text, 21_845);
  }

  private static void assertCharLevelMatchesNaive(int[] text, int spread) {
    if (text.length < 2) {
      return;
    }
    char[] chars = new char[text.length];
    for (int i = 0; i < text.length; i++) {
      chars[i] = (char) (text[i] * spread);
    }
    int[] sa = new int[text.length];
    CharSais.build(chars, sa, text.length, CharSais.MAX_ALPHABET);
    assertThat(sa).isEqualTo(naive(text));
  }

  /**
   * Words of 1 to 24 symbols below 256 (a descent, a run and a rise, or random), repeated in random
   * order with an occasional changed symbol.
   */
  @Provide
  Arbitrary<int[]> wordTexts() {
    Arbitrary<int[]> word =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 255).array(int[].class).ofMinSize(1).ofMaxSize(24),
            Combinators.combine(
                    Arbitraries.integers().between(0, 12),
                    Arbitraries.integers().between(0, 12),
                    Arbitraries.integers().between(0, 4),
                    Arbitraries.integers().between(100, 250))
                .as(
                    (descent, run, rise, top) -> {
                      int[] w = new int[descent + run + rise + 1];
                      int p = 0;
                      for (int i = 0; i < descent; i++) {
                        w[p++] = top - 3 * i;
                      }
                      for (int i = 0; i < run; i++) {
                        w[p++] = top - 3 * descent;
                      }
                      for (int i = 0; i < rise; i++) {
                        w[p++] = top - 3 * descent + 1 + i;
                      }
                      w[p] = 32;
                      return w;
                    }));
    return Combinators.combine(
            word.list().ofMinSize(1).ofMaxSize(6),
            Arbitraries.integers().between(1, 60),
            Arbitraries.longs())
        .as(
            (words, count, seed) -> {
              Random random = new Random(seed);
              int[] out = new int[0];
              for (int i = 0; i < count; i++) {
                int[] w = words.get(random.nextInt(words.size())).clone();
                if (random.nextInt(8) == 0) {
                  w[random.nextInt(w.length)] = random.nextInt(256);
                }
                int[] grown = Arrays.copyOf(out, out.length + w.length);
                System.arraycopy(w, 0, grown, out.length, w.length);
                out = grown;
              }
              return out;
            });
  }

  @Provide
  Arbitrary<int[]> smallAlphabetTexts() {
    return Arbitraries.integers().between(0, 3).array(int[].class).ofMinSize(0).ofMaxSize(400);
  }

  @Provide
  Arbitrary<int[]> largeAlphabetTexts() {
    return Arbitraries.integers()
        .between(0, 299_999)
        .array(int[].class)
        .ofMinSize(1)
        .ofMaxSize(400);
  }

  /** Documents of tokens 1..k, each ending with the separator 0, as in a shard. */
  @Provide
  Arbitrary<int[]> documentTexts() {
    return Arbitraries.integers()
        .between(1, 8)
        .flatMap(
            k ->
                Arbitraries.integers()
                    .between(1, k)
                    .array(int[].class)
                    .ofMaxSize(30)
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(12)
                    .map(
                        docs -> {
                          int total = docs.stream().mapToInt(d -> d.length + 1).sum();
                          int[] out = new int[total];
                          int p = 0;
                          for (int[] d : docs) {
                            System.arraycopy(d, 0, out, p, d.length);
                            p += d.length;
                            out[p++] = 0;
                          }
                          return out;
                        }));
  }

  @Test
  void largerRandomTextMatchesNaive() {
    Random random = new Random(42);
    int[] text = new int[20_000];
    for (int i = 0; i < text.length; i++) {
      text[i] = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 2 : 5000);
    }
    assertThat(SuffixArrays.build(text, text.length, 5001)).isEqualTo(naive(text));
  }

  /** The char-text level, called directly (through build() it only runs on large problems). */
  @Property(tries = 300)
  void charLevelMatchesNaive(@ForAll("smallAlphabetTexts") int[] text) {
    if (text.length < 2) {
      return;
    }
    char[] chars = new char[text.length];
    for (int i = 0; i < text.length; i++) {
      chars[i] = (char) text[i];
    }
    int[] sa = new int[text.length];
    CharSais.build(chars, sa, text.length, alphabet(text));
    assertThat(sa).isEqualTo(naive(text));
  }

  /**
   * 300,000 symbols over 3: the byte top level, a reduced problem of ~100,000 symbols solved on
   * char text, and the integer recursion below it; the same text through the integer top level and
   * through the byte top level's induced LMS naming.
   */
  @Test
  void largeTextsThroughEveryLevelMatchNaive() {
    Random random = new Random(9);
    int[] text = new int[300_000];
    for (int i = 0; i < text.length; i++) {
      text[i] = random.nextInt(3);
    }
    int[] expected = naive(text);
    assertThat(SuffixArrays.build(text, text.length, 3)).isEqualTo(expected);
    assertThat(SuffixArrays.build(text, text.length, 300)).isEqualTo(expected);
    // The induced LMS naming (table limit 0) hands the char level its text and LMS positions too.
    byte[] bytes = new byte[text.length];
    for (int i = 0; i < text.length; i++) {
      bytes[i] = (byte) text[i];
    }
    int[] sa = new int[text.length];
    ByteSais.build(bytes, sa, text.length, null, 0);
    assertThat(sa).isEqualTo(expected);
  }

  /**
   * Prefix doubling, called directly: either the suffix array, or (when it gives up) a renaming
   * into ranks below the length whose suffixes sort exactly like the original's.
   */
  @Property(tries = 300)
  void prefixDoublingSortsOrRenamesInOrder(@ForAll("mixedTexts") int[] text) {
    int m = text.length;
    int k = alphabet(text);
    int[] x = text.clone();
    int[] sa = new int[m];
    int[] expected = naive(text);
    if (PrefixDoubling.sort(x, 0, sa, m, k)) {
      assertThat(sa).isEqualTo(expected);
    } else {
      assertThat(Arrays.stream(x).allMatch(r -> r >= 0 && r < m)).isTrue();
      assertThat(naive(x)).isEqualTo(expected);
    }
  }

  /**
   * A reduced problem with one distinct name in two goes to prefix doubling; a long periodic run
   * makes it give up and hand its ranks to induced sorting. Both paths must give the naive order.
   */
  @Test
  void reducedProblemsThroughDoublingAndItsFallback() {
    int m = 20_000;
    int[] distinctThenPeriodic = new int[m];
    int[] shuffledDistinct = new int[m];
    Random random = new Random(5);
    for (int i = 0; i < m; i++) {
      distinctThenPeriodic[i] = i < m / 2 ? 2 + i : (i & 1);
      shuffledDistinct[i] = random.nextInt(3) == 0 ? random.nextInt(4) : 4 + random.nextInt(m);
    }
    for (int[] text : new int[][] {distinctThenPeriodic, shuffledDistinct}) {
      int names = alphabet(text);
      int fs = m;
      int[] sa = new int[m + fs + m];
      System.arraycopy(text, 0, sa, m + fs, m);
      SuffixArrays.reduced(sa, m + fs, fs, m, names);
      assertThat(Arrays.copyOf(sa, m)).isEqualTo(naive(text));
    }
    int[] x = distinctThenPeriodic.clone();
    assertThat(PrefixDoubling.sort(x, 0, new int[m], m, alphabet(distinctThenPeriodic)))
        .as("the periodic half exhausts the doubling's work budget")
        .isFalse();
  }

  /** Texts from mostly distinct symbols to a few repeated pieces. */
  @Provide
  Arbitrary<int[]> mixedTexts() {
    Arbitrary<int[]> distinct =
        Arbitraries.integers().between(0, 500).array(int[].class).ofMinSize(1).ofMaxSize(300);
    Arbitrary<int[]> repeated =
        Arbitraries.integers()
            .between(0, 3)
            .array(int[].class)
            .ofMinSize(1)
            .ofMaxSize(20)
            .flatMap(
                piece ->
                    Arbitraries.integers()
                        .between(1, 30)
                        .map(
                            times -> {
                              int[] out = new int[piece.length * times];
                              for (int t = 0; t < times; t++) {
                                System.arraycopy(piece, 0, out, t * piece.length, piece.length);
                              }
                              return out;
                            }));
    return Arbitraries.oneOf(distinct, repeated, smallAlphabetTexts().filter(t -> t.length > 0));
  }

  @Test
  void allEqualSymbols() {
    int[] text = new int[1000];
    Arrays.fill(text, 7);
    int[] sa = SuffixArrays.build(text, text.length, 8);
    for (int i = 0; i < sa.length; i++) {
      assertThat(sa[i]).isEqualTo(text.length - 1 - i);
    }
  }

  /**
   * Texts past the two-thread threshold: random letters, words, and long runs (whose induced
   * suffixes land just ahead of the scan, inside blocks already read). Checked by the linear
   * suffix-array test of Burkhardt and Kaerkkaeinen (a permutation in which neighbours are ordered
   * by first symbol, then by the rank of the suffix one further on) and against one thread.
   */
  @Test
  void twoThreadBuildIsTheSuffixArray() {
    Random random = new Random(11);
    int n = (1 << 20) + 70_000;
    int[] letters = new int[n];
    int[] words = new int[n];
    int[] runs = new int[n];
    String[] vocabulary = {"the ", "whale ", "sea ", "ship ", "aaaa", "ab", "\n"};
    for (int i = 0, w = 0; i < n; i++) {
      letters[i] = 'a' + random.nextInt(4);
      if (w == 0 || i % 7 == 0) {
        w = random.nextInt(vocabulary.length);
      }
      String word = vocabulary[w];
      words[i] = word.charAt(i % word.length());
    }
    for (int i = 0; i < n; ) {
      int run = 1 + random.nextInt(3000);
      for (int e = Math.min(n, i + run); i < e; i++) {
        runs[i] = 'a';
      }
      if (i < n) {
        runs[i++] = 'b' + random.nextInt(2);
      }
    }
    for (int[] text : List.of(letters, words, runs)) {
      int[] two = SuffixArrays.build(text, n, 256, 2);
      assertIsSuffixArray(text, two);
      assertThat(two).isEqualTo(SuffixArrays.build(text, n, 256, 1));
    }
  }

  private static void assertIsSuffixArray(int[] text, int[] sa) {
    int n = text.length;
    assertThat(sa).hasSize(n);
    int[] rank = new int[n + 1];
    Arrays.fill(rank, -1);
    for (int r = 0; r < n; r++) {
      if (sa[r] < 0 || sa[r] >= n || rank[sa[r]] != -1) {
        fail("rank %d holds %d: out of range or twice", r, sa[r]);
      }
      rank[sa[r]] = r;
    }
    // The empty suffix sorts first.
    rank[n] = -1;
    for (int r = 0; r + 1 < n; r++) {
      int p = sa[r];
      int q = sa[r + 1];
      if (!(text[p] < text[q] || (text[p] == text[q] && rank[p + 1] < rank[q + 1]))) {
        fail("suffixes %d and %d at ranks %d and %d out of order", p, q, r, r + 1);
      }
    }
  }
}
