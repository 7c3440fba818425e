package io.payable.index.sais;

import java.util.Arrays;

/**
 * Suffix sorting by prefix doubling (Larsson and Sadakane's qsufsort) for reduced problems whose
 * symbols are mostly distinct. Past the first reduced problem of natural text, almost every LMS
 * substring is unique (18 MB of English: 1.09M names for 2.0M symbols at the second level, 656k for
 * 662k at the third), so one counting sort by the first symbol settles most suffixes and a few
 * doubling rounds the rest, where induced sorting would still run several full passes and recurse
 * again.
 *
 * <p>A group is a run of the suffix array whose suffixes share their first {@code h} symbols; the
 * rank of a suffix is the last index of its group, so ranks only ever refine the final order and
 * may be updated while a round is under way. Groups are sorted by the rank of the suffix {@code h}
 * further on, and {@code h} doubles each round. When the groups stay large (long repeats), the
 * doubling stops after a bounded amount of work and the current ranks, a renaming of the text that
 * preserves the order of its suffixes, go to induced sorting instead.
 */
final class PrefixDoubling {

  /** Groups up to this size are sorted by insertion. */
  private static final int INSERTION_MAX = 16;

  /** Doubling gives up once it has sorted this many times the text length in group entries. */
  private static final int WORK_FACTOR = 3;

  private PrefixDoubling() {}

  /**
   * Sorts the suffixes of {@code x[xo, xo + m)} (symbols below {@code k}) into {@code sa[0, m)}.
   * The text is overwritten with ranks; when it is a region of {@code sa}, it must lie past {@code
   * m}.
   *
   * @return true when sorted; false when the doubling gave up, leaving in {@code x} a text over the
   *     alphabet {@code [0, m)} whose suffixes are in the same order as the original's
   */
  static boolean sort(int[] x, int xo, int[] sa, int m, int k) {
    int[] start = new int[k + 1];
    for (int i = 0; i < m; i++) {
      start[x[xo + i] + 1]++;
    }
    for (int c = 0; c < k; c++) {
      start[c + 1] += start[c];
    }
    for (int i = 0; i < m; i++) {
      sa[start[x[xo + i]]++] = i;
    }
    // start[c] is now the end of symbol c's group.
    int[] groups = new int[(m >> 1) + 1];
    int count = 0;
    for (int c = 0, from = 0; c < k; c++) {
      int to = start[c];
      if (to - from > 1) {
        groups[count++] = from;
      }
      from = to;
    }
    for (int i = 0; i < m; i++) {
      x[xo + i] = start[x[xo + i]] - 1;
    }
    start = null;
    int[] next = new int[(m >> 1) + 1];
    long[] keys = new long[INSERTION_MAX];
    long work = 0;
    long budget = (long) WORK_FACTOR * m;
    for (int h = 1; count > 0; h <<= 1) {
      int nextCount = 0;
      for (int g = 0; g < count; g++) {
        int from = groups[g];
        int last = x[xo + sa[from]];
        int size = last - from + 1;
        work += size;
        if (keys.length < size) {
          keys = new long[Math.max(size, keys.length * 2)];
        }
        for (int e = 0; e < size; e++) {
          int p = sa[from + e];
          int r = p + h;
          // A suffix that ends here sorts first (key 0); r never passes m for a grouped suffix.
          long key = r < m ? x[xo + r] + 1L : 0L;
          keys[e] = (key << 32) | p;
        }
        if (size <= INSERTION_MAX) {
          for (int a = 1; a < size; a++) {
            long v = keys[a];
            int b = a - 1;
            while (b >= 0 && keys[b] > v) {
              keys[b + 1] = keys[b];
              b--;
            }
            keys[b + 1] = v;
          }
        } else {
          Arrays.sort(keys, 0, size);
        }
        // Write back, split into subgroups and give each its rank (its last index).
        int runStart = 0;
        for (int e = 0; e < size; e++) {
          sa[from + e] = (int) keys[e];
          if (e + 1 == size || (keys[e + 1] >>> 32) != (keys[e] >>> 32)) {
            int rank = from + e;
            for (int f = runStart; f <= e; f++) {
              x[xo + (int) keys[f]] = rank;
            }
            if (e > runStart) {
              next[nextCount++] = from + runStart;
            }
            runStart = e + 1;
          }
        }
      }
      int[] swap = groups;
      groups = next;
      next = swap;
      count = nextCount;
      if (count > 0 && work > budget) {
        return false;
      }
    }
    return true;
  }
}
