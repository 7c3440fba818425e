package io.payable.index.sais;

/**
 * One level of SA-IS for texts of at most 65,536 symbols, read from a {@code char[]} copy of the
 * text: the reduced problems of natural text have alphabets of this size, and a text half the size
 * of an {@code int[]} one stays in the processor caches longer during the inducing passes, which
 * read it at random positions. Bucket pointers live in separate arrays indexed directly by symbol.
 * A further reduced problem is solved by {@link SuffixArrays}' integer recursion.
 */
final class CharSais {

  /** Largest alphabet this class handles: symbols must fit a {@code char}. */
  static final int MAX_ALPHABET = 1 << 16;

  private CharSais() {}

  /**
   * Builds the suffix array of {@code t[0, n)}, symbols below {@code k}, into {@code sa[0, n)};
   * {@code 2 <= n <= 2^30} (entries are marked by adding {@code n}).
   */
  static void build(char[] t, int[] sa, int n, int k) {
    build(t, sa, n, k, null, 0, 0);
  }

  /**
   * As {@link #build(char[], int[], int, int)}, given how often each symbol occurs ({@code null}:
   * count them here; the counts are not changed) and {@code spare} free entries at {@code sa[n, n +
   * spare)}: with at least {@code n / 2} of them, the LMS positions are kept there as they are
   * found, instead of scanning the text for them again after the reduced problem; {@code sa[0,
   * zero)} is known to be zero already (not cleared again).
   */
  static void build(char[] t, int[] sa, int n, int k, int[] counts, int spare, int zero) {
    int[] c = counts;
    if (c == null) {
      c = new int[k];
      countSymbols(t, n, c);
    }
    int[] b = new int[k];
    bucketEnds(c, b);
    java.util.Arrays.fill(sa, Math.min(zero, n), n, 0);
    // Stage 1: LMS suffixes at their bucket ends (each placed one step late, so that the last
    // found, the leftmost, is placed by the caller below).
    boolean keep = spare >= (n >> 1);
    int top = n + spare;
    long found = placeLms(t, sa, b, n, keep ? top : -1);
    int m = (int) (found >>> 32);
    int j = (int) found;
    int name;
    // LMS positions per symbol, so that stage 3 places the sorted ones without reading the text.
    int[] lmsCount = null;
    if (m > 1) {
      lmsCount = new int[k];
      for (int x = 0, sum = 0; x < k; x++) {
        sum += c[x];
        lmsCount[x] = sum - b[x];
      }
      int[] d = new int[2 * k];
      b[t[j + 1]]++;
      for (int x = 0, sum = 0; x < k; x++) {
        sum += c[x];
        if (b[x] != sum) {
          sa[b[x]] += n;
        }
      }
      lmsSortMarked(t, sa, c, b, d, n);
      name = SuffixArrays.lmsPostProcessMarked(sa, n, m);
    } else if (m == 1) {
      sa[b[t[j + 1]]] = j + 1;
      name = 1;
    } else {
      name = 0;
    }

    // Stage 2: solve the reduced problem when the names are not yet unique.
    if (name < m) {
      int newfs = n - 2 * m;
      int ra = m + newfs;
      SuffixArrays.gatherReducedText(sa, m, n, ra);
      SuffixArrays.reduced(sa, ra, newfs, m, name);
      int positions = top - m;
      if (!keep) {
        positions = ra;
        lmsPositions(t, n, sa, ra + m);
      }
      SuffixArrays.mapToPositions(sa, m, positions);
    }

    // Stage 3: sorted LMS suffixes to their bucket ends (they come in symbol order, so the
    // counts say where each symbol's run ends), then induce.
    if (m > 1) {
      bucketEnds(c, b);
      SuffixArrays.placeSortedLms(sa, b, lmsCount, m, n, k);
    }
    induce(t, sa, c, b, n);
  }

  /**
   * Stage 1's scan: every LMS suffix to its bucket end ({@code b} holds the ends and is moved
   * down), each placed one step late, so that the last found, the leftmost, is left to the caller;
   * with {@code kept >= 0}, the LMS positions also go, in text order, to end at {@code sa[kept -
   * 1]}. Returns {@code m << 32 | j}, the count and the position before the leftmost LMS position.
   */
  private static long placeLms(char[] t, int[] sa, int[] b, int n, int kept) {
    int bPos = -1;
    int i = n - 1;
    int j = n;
    int m = 0;
    int c0 = t[n - 1];
    int c1;
    do {
      c1 = c0;
    } while (--i >= 0 && (c0 = t[i]) >= c1);
    while (i >= 0) {
      do {
        c1 = c0;
      } while (--i >= 0 && (c0 = t[i]) <= c1);
      if (i >= 0) {
        if (kept >= 0) {
          sa[--kept] = i + 1;
        }
        if (bPos >= 0) {
          sa[bPos] = j;
        }
        bPos = --b[c1];
        j = i;
        ++m;
        do {
          c1 = c0;
        } while (--i >= 0 && (c0 = t[i]) >= c1);
      }
    }
    return ((long) m << 32) | (j & 0xffffffffL);
  }

  private static void countSymbols(char[] t, int n, int[] c) {
    for (int i = 0; i < n; i++) {
      c[t[i]]++;
    }
  }

  /** Writes the LMS positions of {@code t[0, n)}, in text order, to end at {@code sa[end - 1]}. */
  private static void lmsPositions(char[] t, int n, int[] sa, int end) {
    int i = n - 1;
    int j = end - 1;
    int c0 = t[n - 1];
    int c1;
    do {
      c1 = c0;
    } while (--i >= 0 && (c0 = t[i]) >= c1);
    while (i >= 0) {
      do {
        c1 = c0;
      } while (--i >= 0 && (c0 = t[i]) <= c1);
      if (i >= 0) {
        sa[j--] = i + 1;
        do {
          c1 = c0;
        } while (--i >= 0 && (c0 = t[i]) >= c1);
      }
    }
  }

  private static void bucketEnds(int[] c, int[] b) {
    int k = c.length;
    int sum = 0;
    for (int x = 0; x < k; x++) {
      sum += c[x];
      b[x] = sum;
    }
  }

  private static void bucketStarts(int[] c, int[] b) {
    int k = c.length;
    int sum = 0;
    for (int x = 0; x < k; x++) {
      b[x] = sum;
      sum += c[x];
    }
  }

  /**
   * {@link SuffixArrays}' marked LMS-substring sort, over char text. Each pass is a method of its
   * own, so that the JIT compiles each loop with its own profile.
   */
  private static void lmsSortMarked(char[] t, int[] sa, int[] c, int[] b, int[] dd, int n) {
    bucketStarts(c, b);
    int d = lmsLeftPassMarked(t, sa, b, dd, n);
    SuffixArrays.moveMarksToGroupEnds(sa, n);
    bucketEnds(c, b);
    lmsRightPassMarked(t, sa, b, dd, n, d + 1);
  }

  /** The left-to-right pass of the marked sort; returns the last group counter. */
  private static int lmsLeftPassMarked(char[] t, int[] sa, int[] b, int[] dd, int n) {
    int j = n - 1;
    int c1 = t[j];
    --j;
    int x = t[j] < c1 ? 1 : 0;
    j += n;
    sa[b[c1]++] = (x & 1) != 0 ? ~j : j;
    int d = 0;
    for (int i = 0; i < n; i++) {
      j = sa[i];
      if (j > 0) {
        if (n <= j) {
          d += 1;
          j -= n;
        }
        int c0 = t[j];
        --j;
        x = (c0 << 1) | (t[j] < c0 ? 1 : 0);
        if (dd[x] != d) {
          j += n;
          dd[x] = d;
        }
        sa[b[c0]++] = (x & 1) != 0 ? ~j : j;
        sa[i] = 0;
      } else if (j < 0) {
        sa[i] = ~j;
      }
    }
    return d;
  }

  /** The right-to-left pass of the marked sort, from group counter {@code d}. */
  private static void lmsRightPassMarked(char[] t, int[] sa, int[] b, int[] dd, int n, int d) {
    for (int i = n - 1; i >= 0; i--) {
      int j = sa[i];
      if (j > 0) {
        if (n <= j) {
          d += 1;
          j -= n;
        }
        int c0 = t[j];
        --j;
        int x = (c0 << 1) | (t[j] > c0 ? 1 : 0);
        if (dd[x] != d) {
          j += n;
          dd[x] = d;
        }
        sa[--b[c0]] = (x & 1) != 0 ? ~(j + 1) : j;
        sa[i] = 0;
      }
    }
  }

  /**
   * Induces the full order from the sorted LMS suffixes at their bucket ends: L-type suffixes left
   * to right, then S-type right to left, each pass a method of its own.
   */
  private static void induce(char[] t, int[] sa, int[] c, int[] b, int n) {
    bucketStarts(c, b);
    induceLeft(t, sa, b, n);
    bucketEnds(c, b);
    induceRight(t, sa, b, n);
  }

  private static void induceLeft(char[] t, int[] sa, int[] b, int n) {
    int j = n - 1;
    int c1 = t[j];
    sa[b[c1]++] = (j > 0 && t[j - 1] < c1) ? ~j : j;
    for (int i = 0; i < n; i++) {
      j = sa[i];
      sa[i] = ~j;
      if (j > 0) {
        --j;
        int c0 = t[j];
        sa[b[c0]++] = (j > 0 && t[j - 1] < c0) ? ~j : j;
      }
    }
  }

  private static void induceRight(char[] t, int[] sa, int[] b, int n) {
    for (int i = n - 1; i >= 0; i--) {
      int j = sa[i];
      if (j > 0) {
        --j;
        int c0 = t[j];
        sa[--b[c0]] = (j == 0 || t[j - 1] > c0) ? ~j : j;
      } else {
        sa[i] = ~j;
      }
    }
  }
}
