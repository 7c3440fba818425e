package io.payable.index.sais;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Suffix-array construction by induced sorting (SA-IS, Nong, Zhang and Chan 2009) over an integer
 * alphabet.
 *
 * <p>The memory layout follows Yuta Mori's sais: the reduced problem, its buckets and the recursion
 * all live inside the output array, so the working set is the text plus the suffix array (8 bytes
 * per symbol) plus O(alphabet) bucket counters at the top level. Types (L/S) are recomputed on the
 * fly instead of being stored. Suffixes are ordered as plain integer sequences where a proper
 * prefix sorts first.
 */
public final class SuffixArrays {

  private static final int MIN_BUCKET_SIZE = 256;

  private SuffixArrays() {}

  /**
   * Builds the suffix array of {@code text[0, n)}.
   *
   * @param text symbols, each in {@code [0, alphabetSize)}
   * @param n number of symbols to use from {@code text}
   * @param alphabetSize one more than the largest symbol
   * @return the suffix array, a permutation of {@code [0, n)}
   */
  public static int[] build(int[] text, int n, int alphabetSize) {
    return build(text, n, alphabetSize, 1);
  }

  /**
   * As {@link #build(int[], int, int)}, on up to {@code threads} threads. With two or more and an
   * alphabet of at most 256 symbols, a second thread reads the text ahead of the final inducing
   * passes; the result is identical.
   */
  public static int[] build(int[] text, int n, int alphabetSize, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    if (n < 0 || n > text.length) {
      throw new IllegalArgumentException("n out of range: " + n);
    }
    if (alphabetSize < 1) {
      throw new IllegalArgumentException("alphabetSize must be positive: " + alphabetSize);
    }
    int[] sa = new int[n];
    if (n == 1) {
      sa[0] = 0;
    } else if (n > 1 && alphabetSize <= ByteSais.K && n <= MAX_MARKED) {
      byte[] bytes = new byte[n];
      for (int i = 0; i < n; i++) {
        bytes[i] = (byte) text[i];
      }
      if (threads > 1 && n >= ParallelInduce.MIN_SYMBOLS) {
        ExecutorService helper =
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread thread = new Thread(r, "suffix-array-helper");
                  thread.setDaemon(true);
                  return thread;
                });
        try {
          ByteSais.build(bytes, sa, n, helper);
        } finally {
          helper.shutdownNow();
        }
      } else {
        ByteSais.build(bytes, sa, n);
      }
    } else if (n > 1) {
      sais(text, 0, sa, 0, n, alphabetSize, true);
    }
    return sa;
  }

  /**
   * Builds the suffix array of the bytes {@code text[0, n)} (alphabet 256, each byte unsigned),
   * read in place: the byte alphabet's build works on a {@code byte[]} text anyway.
   */
  public static int[] build(byte[] text, int n) {
    if (n < 0 || n > text.length) {
      throw new IllegalArgumentException("n out of range: " + n);
    }
    if (n > MAX_MARKED) {
      int[] symbols = new int[n];
      for (int i = 0; i < n; i++) {
        symbols[i] = text[i] & 0xff;
      }
      return build(symbols, n, ByteSais.K);
    }
    int[] sa = new int[n];
    if (n == 1) {
      sa[0] = 0;
    } else if (n > 1) {
      ByteSais.build(text, sa, n);
    }
    return sa;
  }

  /**
   * Solves a reduced problem: its text is {@code sa[ra, ra + m)} with symbols below {@code names},
   * its suffix array goes to {@code sa[0, m)} and {@code sa[m, ra)} is free space. Alphabets that
   * fit a {@code char} are solved on a {@code char[]} copy of the text.
   */
  static void reduced(int[] sa, int ra, int fs, int m, int names) {
    if (names >= m / DOUBLING_MIN_DISTINCT) {
      if (PrefixDoubling.sort(sa, ra, sa, m, names)) {
        return;
      }
      names = m;
    }
    if (charLevel(m, names)) {
      char[] text = new char[m];
      for (int i = 0; i < m; i++) {
        text[i] = (char) sa[ra + i];
      }
      CharSais.build(text, sa, m, names);
    } else {
      sais(sa, ra, sa, fs, m, names, false);
    }
  }

  /**
   * Whether {@link #reduced} solves a problem of {@code m} symbols and {@code names} names by
   * {@link CharSais} on a char copy of its text (which uses only {@code sa[0, m)}).
   */
  static boolean reducedOnChars(int m, int names) {
    return names < m / DOUBLING_MIN_DISTINCT && charLevel(m, names);
  }

  private static boolean charLevel(int m, int names) {
    return names <= CharSais.MAX_ALPHABET && m <= MAX_MARKED && m >= MIN_CHAR_LEVEL;
  }

  /**
   * Reduced problems where at least one symbol in this many is a distinct name are sorted by prefix
   * doubling.
   */
  private static final int DOUBLING_MIN_DISTINCT = 2;

  /** Largest text of the marked LMS sort, which adds the length to entries of the array. */
  private static final int MAX_MARKED = 0x3fffffff;

  /** Smaller reduced problems stay in place: the copy would not pay for itself. */
  private static final int MIN_CHAR_LEVEL = 1 << 16;

  /** Checks every symbol lies in {@code [0, alphabetSize)}; cheap compared with the build. */
  public static void checkAlphabet(int[] text, int n, int alphabetSize) {
    for (int i = 0; i < n; i++) {
      int c = text[i];
      if (c < 0 || c >= alphabetSize) {
        throw new IllegalArgumentException(
            "symbol " + c + " at " + i + " outside alphabet of size " + alphabetSize);
      }
    }
  }

  private static void getCounts(int[] t, int to, int[] c, int co, int n, int k) {
    Arrays.fill(c, co, co + k, 0);
    for (int i = 0; i < n; i++) {
      c[co + t[to + i]]++;
    }
  }

  private static void getBuckets(int[] c, int co, int[] b, int bo, int k, boolean end) {
    int sum = 0;
    if (end) {
      for (int i = 0; i < k; i++) {
        sum += c[co + i];
        b[bo + i] = sum;
      }
    } else {
      for (int i = 0; i < k; i++) {
        int ci = c[co + i];
        sum += ci;
        b[bo + i] = sum - ci;
      }
    }
  }

  /**
   * Sorts the LMS substrings by two induced passes; marks sorted ones by complement. Bucket
   * pointers are indexed directly: with the large alphabets of the reduced problems, the preceding
   * symbols of neighbouring entries rarely repeat, so caching the current bucket only mispredicts.
   */
  private static void lmsSort(
      int[] t, int to, int[] sa, int[] c, int co, int[] b, int bo, int n, int k) {
    boolean shared = c == b && co == bo;
    if (shared) {
      getCounts(t, to, c, co, n, k);
    }
    getBuckets(c, co, b, bo, k, false);
    int j = n - 1;
    int c1 = t[to + j];
    --j;
    sa[b[bo + c1]++] = (t[to + j] < c1) ? ~j : j;
    for (int i = 0; i < n; i++) {
      j = sa[i];
      if (j > 0) {
        int c0 = t[to + j];
        --j;
        sa[b[bo + c0]++] = (t[to + j] < c0) ? ~j : j;
        sa[i] = 0;
      } else if (j < 0) {
        sa[i] = ~j;
      }
    }
    if (shared) {
      getCounts(t, to, c, co, n, k);
    }
    getBuckets(c, co, b, bo, k, true);
    for (int i = n - 1; i >= 0; i--) {
      j = sa[i];
      if (j > 0) {
        int c0 = t[to + j];
        --j;
        sa[--b[bo + c0]] = (t[to + j] > c0) ? ~(j + 1) : j;
        sa[i] = 0;
      }
    }
  }

  /** Compacts the sorted LMS substrings to {@code sa[0, m)} and names them; returns the count. */
  private static int lmsPostProcess(int[] t, int to, int[] sa, int n, int m) {
    int i = 0;
    int p;
    while ((p = sa[i]) < 0) {
      sa[i] = ~p;
      i++;
    }
    if (i < m) {
      int j = i;
      for (++i; ; ++i) {
        if ((p = sa[i]) < 0) {
          sa[j++] = ~p;
          sa[i] = 0;
          if (j == m) {
            break;
          }
        }
      }
    }
    // Store each LMS substring's length at m + pos/2 (LMS positions are at least 2 apart).
    i = n - 1;
    int j = n - 1;
    int c0 = t[to + n - 1];
    int c1;
    do {
      c1 = c0;
    } while (--i >= 0 && (c0 = t[to + i]) >= c1);
    while (i >= 0) {
      do {
        c1 = c0;
      } while (--i >= 0 && (c0 = t[to + i]) <= c1);
      if (i >= 0) {
        sa[m + ((i + 1) >> 1)] = j - i;
        j = i + 1;
        do {
          c1 = c0;
        } while (--i >= 0 && (c0 = t[to + i]) >= c1);
      }
    }
    int name = 0;
    int q = n;
    int qlen = 0;
    for (i = 0; i < m; i++) {
      p = sa[i];
      int plen = sa[m + (p >> 1)];
      boolean diff = true;
      if (plen == qlen && (q + plen) < n) {
        int x = 0;
        while (x < plen && t[to + p + x] == t[to + q + x]) {
          x++;
        }
        if (x == plen) {
          diff = false;
        }
      }
      if (diff) {
        ++name;
        q = p;
        qlen = plen;
      }
      sa[m + (p >> 1)] = name;
    }
    return name;
  }

  /**
   * Like {@link #lmsSort} but also marks, with the counters in {@code d}, where each new LMS
   * substring name starts, so that naming needs no substring comparisons (Mori's sais 2.x). The
   * marks add {@code n} to an entry, hence {@code 2n} must fit in an int.
   */
  private static void lmsSortMarked(
      int[] t,
      int to,
      int[] sa,
      int[] c,
      int co,
      int[] b,
      int bo,
      int[] dd,
      int doff,
      int n,
      int k) {
    getBuckets(c, co, b, bo, k, false);
    int j = n - 1;
    int c1 = t[to + j];
    --j;
    int x = t[to + j] < c1 ? 1 : 0;
    j += n;
    sa[b[bo + c1]++] = (x & 1) != 0 ? ~j : j;
    int d = 0;
    for (int i = 0; i < n; i++) {
      j = sa[i];
      if (j > 0) {
        if (n <= j) {
          d += 1;
          j -= n;
        }
        int c0 = t[to + j];
        --j;
        x = (c0 << 1) | (t[to + j] < c0 ? 1 : 0);
        if (dd[doff + x] != d) {
          j += n;
          dd[doff + x] = d;
        }
        sa[b[bo + c0]++] = (x & 1) != 0 ? ~j : j;
        sa[i] = 0;
      } else if (j < 0) {
        sa[i] = ~j;
      }
    }
    moveMarksToGroupEnds(sa, n);
    getBuckets(c, co, b, bo, k, true);
    d += 1;
    for (int i = n - 1; i >= 0; i--) {
      j = sa[i];
      if (j > 0) {
        if (n <= j) {
          d += 1;
          j -= n;
        }
        int c0 = t[to + j];
        --j;
        x = (c0 << 1) | (t[to + j] > c0 ? 1 : 0);
        if (dd[doff + x] != d) {
          j += n;
          dd[doff + x] = d;
        }
        sa[--b[bo + c0]] = (x & 1) != 0 ? ~(j + 1) : j;
        sa[i] = 0;
      }
    }
  }

  /**
   * Between the two passes of a marked LMS-substring sort: the first pass marks (adds {@code n} to)
   * the first entry of each group of equal LMS substrings, the second scans right to left and so
   * needs the mark on each group's last entry. Moves every mark from the first to the last entry of
   * its group (the entry before the previous mark).
   */
  static void moveMarksToGroupEnds(int[] sa, int n) {
    for (int i = n - 1; i >= 0; i--) {
      if (sa[i] > 0 && sa[i] < n) {
        sa[i] += n;
        int j = i - 1;
        while (sa[j] < n) {
          --j;
        }
        sa[j] -= n;
        i = j;
      }
    }
  }

  /** Compacts the marked, sorted LMS substrings to {@code sa[0, m)} and names them. */
  static int lmsPostProcessMarked(int[] sa, int n, int m) {
    int i = 0;
    int j;
    int name = 0;
    while ((j = sa[i]) < 0) {
      j = ~j;
      if (n <= j) {
        name += 1;
      }
      sa[i] = j;
      i++;
    }
    if (i < m) {
      int d = i;
      for (++i; ; ++i) {
        if ((j = sa[i]) < 0) {
          j = ~j;
          if (n <= j) {
            name += 1;
          }
          sa[d++] = j;
          sa[i] = 0;
          if (d == m) {
            break;
          }
        }
      }
    }
    if (name < m) {
      int d = name + 1;
      for (i = m - 1; i >= 0; i--) {
        j = sa[i];
        if (n <= j) {
          j -= n;
          --d;
        }
        sa[m + (j >> 1)] = d;
      }
    } else {
      for (i = 0; i < m; i++) {
        j = sa[i];
        if (n <= j) {
          sa[i] = j - n;
        }
      }
    }
    return name;
  }

  /**
   * Moves the reduced text, the names {@code + 1} left at {@code sa[m + p / 2]} for LMS position
   * {@code p} by naming, to {@code sa[ra, ra + m)} as names from 0, reading down from the top so
   * that nothing unread is overwritten (which needs {@code ra >= n / 2}).
   */
  static void gatherReducedText(int[] sa, int m, int n, int ra) {
    for (int i = m + (n >> 1) - 1, j = ra + m - 1; m <= i; --i) {
      if (sa[i] != 0) {
        sa[j--] = sa[i] - 1;
      }
    }
  }

  /**
   * Replaces each index {@code sa[i]}, {@code i < m}, of the reduced suffix array by {@code
   * sa[positions + sa[i]]}.
   */
  static void mapToPositions(int[] sa, int m, int positions) {
    for (int i = 0; i < m; i++) {
      sa[i] = sa[positions + sa[i]];
    }
  }

  /**
   * Moves the {@code m} sorted LMS suffixes at {@code sa[0, m)} to the ends of their buckets
   * ({@code ends}, symbols below {@code k}); they come in symbol order, so {@code lmsCount[x]}, the
   * LMS suffixes starting with {@code x}, says where each symbol's run ends. Clears every other
   * entry of {@code sa[0, n)}.
   */
  static void placeSortedLms(int[] sa, int[] ends, int[] lmsCount, int m, int n, int k) {
    int i = m;
    int j = n;
    for (int x = k - 1; x >= 0 && i > 0; x--) {
      int end = ends[x];
      while (end < j) {
        sa[--j] = 0;
      }
      for (int r = lmsCount[x]; r > 0; r--) {
        sa[--j] = sa[--i];
      }
    }
    while (j > 0) {
      sa[--j] = 0;
    }
  }

  /** Induces the full order from the sorted LMS suffixes placed at their bucket ends. */
  private static void induce(
      int[] t, int to, int[] sa, int[] c, int co, int[] b, int bo, int n, int k) {
    boolean shared = c == b && co == bo;
    if (shared) {
      getCounts(t, to, c, co, n, k);
    }
    getBuckets(c, co, b, bo, k, false);
    int j = n - 1;
    int c1 = t[to + j];
    sa[b[bo + c1]++] = (j > 0 && t[to + j - 1] < c1) ? ~j : j;
    for (int i = 0; i < n; i++) {
      j = sa[i];
      sa[i] = ~j;
      if (j > 0) {
        --j;
        int c0 = t[to + j];
        sa[b[bo + c0]++] = (j > 0 && t[to + j - 1] < c0) ? ~j : j;
      }
    }
    if (shared) {
      getCounts(t, to, c, co, n, k);
    }
    getBuckets(c, co, b, bo, k, true);
    for (int i = n - 1; i >= 0; i--) {
      j = sa[i];
      if (j > 0) {
        --j;
        int c0 = t[to + j];
        sa[--b[bo + c0]] = (j == 0 || t[to + j - 1] > c0) ? ~j : j;
      } else {
        sa[i] = ~j;
      }
    }
  }

  /**
   * One level of SA-IS. {@code t[to, to + n)} is the text; {@code sa[0, n + fs)} is the output plus
   * {@code fs} free slots usable for buckets.
   */
  private static void sais(int[] t, int to, int[] sa, int fs, int n, int k, boolean top) {
    int[] c;
    int co;
    int[] b;
    int bo;
    // flags: 1 = C on heap, 2 = B on heap (freed during recursion), 4 = C == B on heap (freed),
    // 8 = C must be recounted before inducing, 16 = marked LMS sort with counters on the heap,
    // 32 = marked LMS sort with counters in the free space below B.
    int flags;
    // At the top level the alphabet is the vocabulary, small next to n: separate heap buckets
    // (O(alphabet)) enable the marked LMS sort instead of shared, recounted buckets.
    if (k <= MIN_BUCKET_SIZE || (top && k <= n / 2)) {
      c = new int[k];
      co = 0;
      if (k <= fs) {
        b = sa;
        bo = n + fs - k;
        flags = 1;
      } else {
        b = new int[k];
        bo = 0;
        flags = 3;
      }
    } else if (k <= fs) {
      c = sa;
      co = n + fs - k;
      if (k <= fs - k) {
        b = sa;
        bo = co - k;
        flags = 0;
      } else if (k <= MIN_BUCKET_SIZE * 4) {
        b = new int[k];
        bo = 0;
        flags = 2;
      } else {
        b = c;
        bo = co;
        flags = 8;
      }
    } else {
      c = new int[k];
      co = 0;
      b = c;
      bo = 0;
      flags = 4 | 8;
    }

    if (n <= 0x3fffffff && 2 <= n / k) {
      if ((flags & 1) != 0) {
        flags |= (k * 2) <= (fs - k) ? 32 : 16;
      } else if (flags == 0 && (k * 2) <= (fs - k * 2)) {
        flags |= 32;
      }
    }

    // Stage 1: place LMS suffixes at their bucket ends and sort the LMS substrings.
    getCounts(t, to, c, co, n, k);
    getBuckets(c, co, b, bo, k, true);
    Arrays.fill(sa, 0, n, 0);
    int bPos = -1;
    int i = n - 1;
    int j = n;
    int m = 0;
    int c0 = t[to + n - 1];
    int c1;
    do {
      c1 = c0;
    } while (--i >= 0 && (c0 = t[to + i]) >= c1);
    while (i >= 0) {
      do {
        c1 = c0;
      } while (--i >= 0 && (c0 = t[to + i]) <= c1);
      if (i >= 0) {
        if (bPos >= 0) {
          sa[bPos] = j;
        }
        bPos = --b[bo + c1];
        j = i;
        ++m;
        do {
          c1 = c0;
        } while (--i >= 0 && (c0 = t[to + i]) >= c1);
      }
    }
    int name;
    if (m > 1 && (flags & (16 | 32)) != 0) {
      int[] dd;
      int doff;
      if ((flags & 16) != 0) {
        dd = new int[2 * k];
        doff = 0;
      } else {
        dd = b;
        doff = bo - 2 * k;
      }
      b[bo + t[to + j + 1]]++;
      for (int x = 0, sum = 0; x < k; x++) {
        sum += c[co + x];
        if (b[bo + x] != sum) {
          sa[b[bo + x]] += n;
        }
        dd[doff + x] = 0;
        dd[doff + x + k] = 0;
      }
      lmsSortMarked(t, to, sa, c, co, b, bo, dd, doff, n, k);
      name = lmsPostProcessMarked(sa, n, m);
    } else if (m > 1) {
      lmsSort(t, to, sa, c, co, b, bo, n, k);
      name = lmsPostProcess(t, to, sa, n, m);
    } else if (m == 1) {
      sa[bPos] = j + 1;
      name = 1;
    } else {
      name = 0;
    }

    // Stage 2: recurse on the reduced string when the names are not yet unique.
    if (name < m) {
      if ((flags & 4) != 0) {
        c = null;
        b = null;
      }
      if ((flags & 2) != 0) {
        b = null;
      }
      int newfs = (n + fs) - (m * 2);
      if ((flags & (1 | 4 | 8)) == 0) {
        if ((k + name) <= newfs) {
          newfs -= k;
        } else {
          flags |= 8;
        }
      }
      int ra = m + newfs;
      gatherReducedText(sa, m, n, ra);
      reduced(sa, ra, newfs, m, name);

      i = n - 1;
      j = m - 1;
      c0 = t[to + n - 1];
      do {
        c1 = c0;
      } while (--i >= 0 && (c0 = t[to + i]) >= c1);
      while (i >= 0) {
        do {
          c1 = c0;
        } while (--i >= 0 && (c0 = t[to + i]) <= c1);
        if (i >= 0) {
          sa[ra + j--] = i + 1;
          do {
            c1 = c0;
          } while (--i >= 0 && (c0 = t[to + i]) >= c1);
        }
      }
      mapToPositions(sa, m, ra);
      if ((flags & 4) != 0) {
        c = new int[k];
        co = 0;
        b = c;
        bo = 0;
      }
      if ((flags & 2) != 0) {
        b = new int[k];
        bo = 0;
      }
    }

    // Stage 3: put the sorted LMS suffixes at their bucket ends and induce the rest.
    if ((flags & 8) != 0) {
      getCounts(t, to, c, co, n, k);
    }
    if (m > 1) {
      getBuckets(c, co, b, bo, k, true);
      i = m - 1;
      j = n;
      int p = sa[m - 1];
      c1 = t[to + p];
      do {
        c0 = c1;
        int q = b[bo + c0];
        while (q < j) {
          sa[--j] = 0;
        }
        do {
          sa[--j] = p;
          if (--i < 0) {
            break;
          }
          p = sa[i];
        } while ((c1 = t[to + p]) == c0);
      } while (i >= 0);
      while (j > 0) {
        sa[--j] = 0;
      }
    }
    induce(t, to, sa, c, co, b, bo, n, k);
  }
}
