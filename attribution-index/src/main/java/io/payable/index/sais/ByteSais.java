package io.payable.index.sais;

import java.util.concurrent.ExecutorService;

/**
 * The top level of SA-IS for texts of at most 256 symbols, read from a {@code byte[]} copy of the
 * text: the inducing passes read the text at random positions, and a text four times smaller stays
 * in the processor caches far longer. Bucket pointers are indexed directly by symbol (256 counters
 * are always in the first-level cache). The reduced problem is solved by {@link SuffixArrays}'
 * integer recursion.
 */
final class ByteSais {

  static final int K = 256;

  private ByteSais() {}

  /**
   * Builds the suffix array of {@code t[0, n)} into {@code sa[0, n)}, which must be zero (a new
   * array); {@code 2 <= n <= 2^30}.
   */
  static void build(byte[] t, int[] sa, int n) {
    build(t, sa, n, null);
  }

  /**
   * As {@link #build(byte[], int[], int)}; with a {@code helper}, the inducing passes read the text
   * for the entries ahead on the helper's thread (see {@link ParallelInduce}).
   */
  static void build(byte[] t, int[] sa, int n, ExecutorService helper) {
    build(t, sa, n, helper, LmsKeyNaming.MAX_TABLE_KEYS);
  }

  /**
   * As {@link #build(byte[], int[], int, ExecutorService)}; LMS substrings are named through a hash
   * table of at most {@code maxTableKeys} distinct keys, else by the induced sort.
   */
  static void build(byte[] t, int[] sa, int n, ExecutorService helper, int maxTableKeys) {
    int[] c = new int[K];
    int[] b = new int[K];
    // Stage 1: count the symbols, sort and name the LMS substrings (sa[0, m) sorted when the names
    // are distinct, else the reduced text as described below).
    int[] lmsCount = new int[K];
    LmsKeyNaming.Naming named = LmsKeyNaming.sortAndName(t, sa, n, c, lmsCount, maxTableKeys);
    int m = named.m();
    int name = named.names();
    // Stage 2: solve the reduced problem when the names are not yet unique. Its text is at
    // sa[n / 2 - m, n / 2), the LMS positions at sa[n - m, n).
    if (name < m) {
      int ra = n - m;
      int text = (n >> 1) - m;
      if (named.chars() != null) {
        // Named straight into chars; sa[0, text) is still zero, so the char level clears only
        // the rest of sa[0, m).
        CharSais.build(named.chars(), sa, m, name, named.nameCounts(), n - 2 * m, text);
      } else if (SuffixArrays.reducedOnChars(m, name)) {
        // The char copy of the text leaves sa[m, n - m) free (for the char level's LMS positions),
        // and the positions stay where they are.
        char[] chars = new char[m];
        for (int i = 0; i < m; i++) {
          chars[i] = (char) sa[text + i];
        }
        CharSais.build(chars, sa, m, name, named.nameCounts(), n - 2 * m, 0);
      } else {
        System.arraycopy(sa, text, sa, ra, m);
        SuffixArrays.reduced(sa, ra, n - 2 * m, m, name);
        lmsPositions(t, n, sa, n);
      }
      SuffixArrays.mapToPositions(sa, m, ra);
    }

    // Stage 3: sorted LMS suffixes to their bucket ends (they come in symbol order, so the
    // counts say where each symbol's run ends), then induce.
    if (m > 0) {
      bucketEnds(c, b);
      SuffixArrays.placeSortedLms(sa, b, lmsCount, m, n, K);
    }
    if (helper != null && n >= ParallelInduce.MIN_SYMBOLS) {
      ParallelInduce.induce(t, sa, c, b, n, helper);
    } else {
      induce(t, sa, c, b, n);
    }
  }

  /** Writes the LMS positions of {@code t[0, n)}, in text order, to end at {@code sa[end - 1]}. */
  static void lmsPositions(byte[] t, int n, int[] sa, int end) {
    int i = n - 1;
    int j = end - 1;
    int c0 = t[n - 1] & 0xff;
    int c1;
    do {
      c1 = c0;
    } while (--i >= 0 && (c0 = t[i] & 0xff) >= c1);
    while (i >= 0) {
      do {
        c1 = c0;
      } while (--i >= 0 && (c0 = t[i] & 0xff) <= c1);
      if (i >= 0) {
        sa[j--] = i + 1;
        do {
          c1 = c0;
        } while (--i >= 0 && (c0 = t[i] & 0xff) >= c1);
      }
    }
  }

  static void bucketEnds(int[] c, int[] b) {
    int sum = 0;
    for (int x = 0; x < K; x++) {
      sum += c[x];
      b[x] = sum;
    }
  }

  static void bucketStarts(int[] c, int[] b) {
    int sum = 0;
    for (int x = 0; x < K; x++) {
      b[x] = sum;
      sum += c[x];
    }
  }

  /**
   * Induces the full order from the sorted LMS suffixes at their bucket ends: L-type suffixes left
   * to right, then S-type right to left, each pass a method of its own, so that the JIT compiles
   * each loop with its own profile.
   */
  private static void induce(byte[] t, int[] sa, int[] c, int[] b, int n) {
    bucketStarts(c, b);
    induceLeft(t, sa, b, n);
    bucketEnds(c, b);
    induceRight(t, sa, b, n);
  }

  private static void induceLeft(byte[] t, int[] sa, int[] b, int n) {
    int j = n - 1;
    int c1 = t[j] & 0xff;
    sa[b[c1]++] = (j > 0 && (t[j - 1] & 0xff) < c1) ? ~j : j;
    for (int i = 0; i < n; i++) {
      j = sa[i];
      sa[i] = ~j;
      if (j > 0) {
        --j;
        int c0 = t[j] & 0xff;
        sa[b[c0]++] = (j > 0 && (t[j - 1] & 0xff) < c0) ? ~j : j;
      }
    }
  }

  private static void induceRight(byte[] t, int[] sa, int[] b, int n) {
    for (int i = n - 1; i >= 0; i--) {
      int j = sa[i];
      if (j > 0) {
        --j;
        int c0 = t[j] & 0xff;
        sa[--b[c0]] = (j == 0 || (t[j - 1] & 0xff) > c0) ? ~j : j;
      } else {
        sa[i] = ~j;
      }
    }
  }
}
