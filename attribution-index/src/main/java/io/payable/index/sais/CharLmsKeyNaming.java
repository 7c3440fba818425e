package io.payable.index.sais;

/**
 * Sorts and names the LMS substrings of a {@code char} text (a reduced problem, {@link CharSais})
 * by packed keys instead of by the two induced passes of the marked LMS sort.
 *
 * <p>As in {@link LmsKeyNaming}, an LMS substring is compared as its sequence of (symbol, type)
 * pairs, L before S for equal symbols. A pair packs into 17 bits ({@code (symbol << 1 | S) + 1}; 0
 * is past the end of the text, and the largest symbol is never S-type), so two longs hold the first
 * six pairs, those past the closing LMS position zeroed. The LMS positions go to the buckets of
 * their first symbol with their keys (one scan of the text), and each bucket is sorted by key in
 * place: small buckets that stay in the caches instead of two passes that read the text and the
 * bucket pointers at a random place per suffix. Equal keys of substrings longer than six pairs
 * (under 2% in English) are ordered by comparing the rest of their text. It needs 32 bytes per LMS
 * position beside the suffix array, so texts with more than {@link #MAX_LMS} LMS positions keep the
 * induced sort.
 */
final class CharLmsKeyNaming {

  /** LMS positions above this many are named by the induced sort (128 MiB of keys at most). */
  static final int MAX_LMS = 1 << 22;

  private static final int BITS = 17;

  private static final long PAIR_MASK = (1L << BITS) - 1;

  /** Three pairs. */
  private static final long KEY_MASK = (1L << (3 * BITS)) - 1;

  /** In the low key: the substring is longer than the six pairs. */
  private static final long LONG = 1L << (3 * BITS);

  private static final long SECOND_THIRD = (1L << (2 * BITS)) - 1;

  private static final int INDEX_BITS = 22;

  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  /** Buckets up to this size are sorted by insertion. */
  private static final int INSERTION = 24;

  private CharLmsKeyNaming() {}

  /**
   * Finds, sorts and names the LMS substrings of {@code t[0, n)}, symbols below {@code k}, with
   * {@code sa[0, n)} zero. {@code sa[0, m)} receives the LMS positions sorted by their LMS
   * substrings; when the names are not all distinct, {@code sa[m + p / 2]} receives the name (from
   * 1) of the substring at each LMS position {@code p}, the rest of {@code sa[m, m + n / 2)}
   * staying zero. Returns {@code m << 32 | names}, or -1 (nothing written) for fewer than two or
   * more than {@code maxLms} LMS positions.
   */
  static long sortAndName(char[] t, int[] sa, int n, int k, int maxLms) {
    // Types (1 = S) and the LMS positions per first symbol.
    long[] stype = new long[(n + 63) >>> 6];
    int[] start = new int[k + 1];
    int m = 0;
    int c1 = t[n - 1];
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i];
      int s0 = c0 < c1 || (c0 == c1 && s1 != 0) ? 1 : 0;
      if (s0 == 0 && s1 != 0) {
        start[c1 + 1]++;
        m++;
      }
      stype[i >>> 6] |= (long) s0 << i;
      c1 = c0;
      s1 = s0;
    }
    if (m < 2 || m > maxLms) {
      return -1;
    }
    for (int c = 0; c < k; c++) {
      start[c + 1] += start[c];
    }
    // The rest of each key and its position in the order found (text order, right to left); the
    // bucket of its first symbol gets the second and third pairs and that index (m <= 2^22).
    long[] lo = new long[m];
    int[] pos = new int[m];
    long[] primary = new long[m];
    int found = 0;
    int[] fill = java.util.Arrays.copyOf(start, k);
    // Keys from a window of the six pairs at i + 1, shifted one pair per step.
    long wHi = (long) ((t[n - 1] << 1) + 1) << (2 * BITS);
    long wLo = 0;
    int next = n;
    s1 = 0;
    c1 = t[n - 1];
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i];
      int s0 = (int) ((stype[i >>> 6] >>> i) & 1);
      if (s0 == 0 && s1 != 0) {
        int p = i + 1;
        int d = next - p;
        long kHi = wHi;
        long kLo = wLo;
        if (d <= 2) {
          kHi &= -1L << (BITS * (2 - d));
          kLo = 0;
        } else if (d <= 5) {
          kLo &= -1L << (BITS * (5 - d));
        } else {
          kLo |= LONG;
        }
        primary[fill[c1]++] = (kHi & SECOND_THIRD) << INDEX_BITS | found;
        lo[found] = kLo;
        pos[found++] = p;
        next = p;
      }
      long pair = ((long) c0 << 1 | s0) + 1;
      wLo = (wLo >>> BITS) | ((wHi & PAIR_MASK) << (2 * BITS));
      wHi = (wHi >>> BITS) | (pair << (2 * BITS));
      c1 = c0;
      s1 = s0;
    }
    // Each bucket sorted by the second and third pairs as primitive longs, then the runs of equal
    // pairs by the rest of the key and the text.
    for (int c = 0; c < k; c++) {
      if (start[c + 1] - start[c] > 1) {
        java.util.Arrays.sort(primary, start[c], start[c + 1]);
      }
    }
    int[] sortedPos = new int[m];
    long[] rest = new long[m];
    for (int x = 0; x < m; x++) {
      long v = primary[x];
      int o = (int) (v & INDEX_MASK);
      rest[x] = lo[o];
      sortedPos[x] = pos[o];
      primary[x] = v >>> INDEX_BITS;
    }
    lo = null;
    // In sorted order so far: primary holds the second and third pairs, rest the fourth to sixth.
    Sorter sorter = new Sorter(t, n, stype, primary, rest, sortedPos);
    for (int c = 0; c < k; c++) {
      int end = start[c + 1];
      for (int x = start[c]; x < end; ) {
        long v = primary[x];
        int y = x + 1;
        while (y < end && primary[y] == v) {
          y++;
        }
        if (y - x > 1) {
          sorter.sort(x, y);
        }
        x = y;
      }
    }
    // Names in sorted order; buckets of different first symbols always differ.
    int names = 0;
    for (int c = 0; c < k; c++) {
      int end = start[c + 1];
      for (int x = start[c]; x < end; x++) {
        if (x == start[c] || sorter.compare(x - 1, x) != 0) {
          names++;
        }
        pos[x] = names;
        sa[x] = sortedPos[x];
      }
    }
    if (names < m) {
      for (int x = 0; x < m; x++) {
        sa[m + (sortedPos[x] >> 1)] = pos[x];
      }
    }
    return ((long) m << 32) | names;
  }

  /** Sorts ranges of the parallel arrays (keys and positions) by LMS substring. */
  private static final class Sorter {
    private final char[] t;
    private final int n;
    private final long[] stype;
    private final long[] hi;
    private final long[] lo;
    private final int[] pos;

    Sorter(char[] t, int n, long[] stype, long[] hi, long[] lo, int[] pos) {
      this.t = t;
      this.n = n;
      this.stype = stype;
      this.hi = hi;
      this.lo = lo;
      this.pos = pos;
    }

    /** Compares the substrings at indices {@code a} and {@code b}. */
    int compare(int a, int b) {
      int r = Long.compare(hi[a], hi[b]);
      if (r != 0) {
        return r;
      }
      long x = lo[a];
      long y = lo[b];
      r = Long.compare(x & KEY_MASK, y & KEY_MASK);
      if (r != 0 || (x & LONG) == 0) {
        // Equal six pairs: both are longer than six pairs or neither is.
        return r;
      }
      return compareTails(pos[a], pos[b]);
    }

    /** Compares LMS substrings at text positions {@code a} and {@code b} with equal six pairs. */
    private int compareTails(int a, int b) {
      if (a == b) {
        return 0;
      }
      for (int k = 6; ; k++) {
        int x = pair(a + k);
        int y = pair(b + k);
        if (x != y) {
          return Integer.compare(x, y);
        }
        // Equal pairs here and before: both or neither end at this LMS position.
        int i = a + k;
        if ((x & 1) == 0 && !isS(i - 1)) {
          return 0;
        }
      }
    }

    /** The packed pair at {@code i}, 0 past the end; an S pair is even here. */
    private int pair(int i) {
      if (i >= n) {
        return 0;
      }
      return ((t[i] << 1) | (isS(i) ? 1 : 0)) + 1;
    }

    private boolean isS(int i) {
      return ((stype[i >>> 6] >>> i) & 1) != 0;
    }

    void sort(int from, int to) {
      while (to - from > INSERTION) {
        int mid = (from + to) >>> 1;
        // Median of three to the front, then partition into < pivot, == pivot, > pivot.
        int a = from;
        int b = mid;
        int c = to - 1;
        int med =
            compare(a, b) < 0
                ? (compare(b, c) < 0 ? b : (compare(a, c) < 0 ? c : a))
                : (compare(a, c) < 0 ? a : (compare(b, c) < 0 ? c : b));
        swap(from, med);
        int lt = from;
        int gt = to;
        int i = from + 1;
        while (i < gt) {
          int r = compare(i, lt);
          if (r < 0) {
            swap(i++, lt++);
          } else if (r > 0) {
            swap(i, --gt);
          } else {
            i++;
          }
        }
        // Recurse into the smaller side, loop on the larger.
        if (lt - from < to - gt) {
          sort(from, lt);
          from = gt;
        } else {
          sort(gt, to);
          to = lt;
        }
      }
      for (int i = from + 1; i < to; i++) {
        for (int j = i; j > from && compare(j - 1, j) > 0; j--) {
          swap(j - 1, j);
        }
      }
    }

    private void swap(int a, int b) {
      long h = hi[a];
      hi[a] = hi[b];
      hi[b] = h;
      long l = lo[a];
      lo[a] = lo[b];
      lo[b] = l;
      int p = pos[a];
      pos[a] = pos[b];
      pos[b] = p;
    }
  }
}
