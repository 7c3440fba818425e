package io.payable.index.sais;

/**
 * The LMS-substring sort of SA-IS by two induced passes over the whole suffix array (Mori's marked
 * sort, which names the substrings as it sorts them), over byte text. {@link LmsKeyNaming} falls
 * back to it for texts with too many distinct keys for its table: it needs no memory beyond the
 * suffix array and 256-entry counters.
 */
final class InducedLmsNaming {

  private static final int K = ByteSais.K;

  private InducedLmsNaming() {}

  /** As {@link LmsKeyNaming#sortAndName}, with the same results. */
  static long sortAndName(byte[] t, int[] sa, int n, int[] c, int[] lmsCount) {
    java.util.Arrays.fill(c, 0);
    java.util.Arrays.fill(lmsCount, 0);
    for (int i = 0; i < n; i++) {
      c[t[i] & 0xff]++;
    }
    int[] b = new int[K];
    ByteSais.bucketEnds(c, b);
    // LMS suffixes at their bucket ends (each placed one step late, so that the last found, the
    // leftmost, is placed below).
    int bPos = -1;
    int i = n - 1;
    int j = n;
    int m = 0;
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
        if (bPos >= 0) {
          sa[bPos] = j;
        }
        bPos = --b[c1];
        lmsCount[c1]++;
        j = i;
        ++m;
        do {
          c1 = c0;
        } while (--i >= 0 && (c0 = t[i] & 0xff) >= c1);
      }
    }
    if (m == 0) {
      return 0;
    }
    if (m == 1) {
      sa[0] = j + 1;
      return (1L << 32) | 1;
    }
    int[] d = new int[2 * K];
    b[t[j + 1] & 0xff]++;
    for (int x = 0, sum = 0; x < K; x++) {
      sum += c[x];
      if (b[x] != sum) {
        sa[b[x]] += n;
      }
    }
    lmsSortMarked(t, sa, c, b, d, n);
    int names = SuffixArrays.lmsPostProcessMarked(sa, n, m);
    if (names < m) {
      // The reduced text to sa[n - m, n), reading down from the top so nothing unread is
      // overwritten, then to sa[n / 2 - m, n / 2); the LMS positions to sa[n - m, n).
      SuffixArrays.gatherReducedText(sa, m, n, n - m);
      System.arraycopy(sa, n - m, sa, (n >> 1) - m, m);
      ByteSais.lmsPositions(t, n, sa, n);
    }
    return ((long) m << 32) | names;
  }

  /** {@link SuffixArrays}' marked LMS-substring sort, over byte text. */
  private static void lmsSortMarked(byte[] t, int[] sa, int[] c, int[] b, int[] dd, int n) {
    ByteSais.bucketStarts(c, b);
    int j = n - 1;
    int c1 = t[j] & 0xff;
    --j;
    int x = (t[j] & 0xff) < c1 ? 1 : 0;
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
        int c0 = t[j] & 0xff;
        --j;
        x = (c0 << 1) | ((t[j] & 0xff) < c0 ? 1 : 0);
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
    SuffixArrays.moveMarksToGroupEnds(sa, n);
    ByteSais.bucketEnds(c, b);
    d += 1;
    for (int i = n - 1; i >= 0; i--) {
      j = sa[i];
      if (j > 0) {
        if (n <= j) {
          d += 1;
          j -= n;
        }
        int c0 = t[j] & 0xff;
        --j;
        x = (c0 << 1) | ((t[j] & 0xff) > c0 ? 1 : 0);
        if (dd[x] != d) {
          j += n;
          dd[x] = d;
        }
        sa[--b[c0]] = (x & 1) != 0 ? ~(j + 1) : j;
        sa[i] = 0;
      }
    }
  }
}
