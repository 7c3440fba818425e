package io.payable.index.sais;

import java.util.Arrays;

/**
 * Sorts and names the LMS substrings of a byte text by packed keys instead of by two induced passes
 * over the whole suffix array.
 *
 * <p>An LMS substring is compared as its sequence of (symbol, type) pairs, L before S for equal
 * symbols; that order agrees with the order of the suffixes wherever two sequences differ, so it is
 * a valid naming for SA-IS. No such sequence is a proper prefix of another (a sequence ends at an
 * L-to-S transition, which the longer one would then also have at that offset). Each pair packs
 * into 9 bits ({@code (symbol << 1 | S) + 1}; 0 is past the end of the text, and the pair (255, S)
 * cannot occur), so the first seven pairs of an LMS substring fill a 63-bit key, the pairs past its
 * closing LMS position zeroed. Natural text has short LMS substrings (about three symbols for
 * English), so the key usually holds the whole substring, and few keys are distinct (54,822 for
 * 5.9M LMS substrings of 18 MB of English): the induced LMS sort's two passes, which read the text
 * at a random position per entry, become one sequential scan that looks each key up in a hash
 * table, a sort of the distinct keys and one pass that writes the names. Longer substrings (marked
 * in bit 63) are ordered by comparing the text within their group of equal keys. Texts with more
 * distinct keys than the table takes (high-entropy bytes) go to {@link InducedLmsNaming}.
 */
final class LmsKeyNaming {

  /** Pairs per key. */
  private static final int PAIRS = 7;

  private static final int BITS = 9;

  private static final long LONG = 1L << 63;

  private LmsKeyNaming() {}

  /**
   * Finds, sorts and names the LMS suffixes of {@code t[0, n)}, {@code sa[0, n)} being zero. When
   * the names are all distinct, {@code sa[0, m)} receives the LMS positions in the order of their
   * LMS substrings; otherwise {@code sa[n - m, n)} receives the reduced text, the names (from 0) of
   * the LMS substrings in text order. {@code counts[c]} and {@code lmsCount[c]} receive the number
   * of positions and of LMS positions with symbol {@code c}. Up to {@code maxTableKeys} distinct
   * keys are named through a hash table, more by {@link InducedLmsNaming}.
   *
   * @return {@code m << 32 | names}
   */
  static long sortAndName(
      byte[] t, int[] sa, int n, int[] counts, int[] lmsCount, int maxTableKeys) {
    long named = nameByTable(t, sa, n, counts, lmsCount, maxTableKeys);
    if (named >= 0) {
      return named;
    }
    Arrays.fill(sa, 0, n, 0);
    return InducedLmsNaming.sortAndName(t, sa, n, counts, lmsCount);
  }

  /** Distinct keys above this many go to the induced sort: the table would no longer be cached. */
  static final int MAX_TABLE_KEYS = 1 << 20;

  /**
   * As {@link #sortAndName}, for texts with few distinct keys (natural text: 54,822 for 5.9M LMS
   * substrings of 18 MB of English): one scan gives every LMS substring the id of its key in a hash
   * table, written at {@code sa[p / 2]}, only the distinct keys are sorted, and one pass turns the
   * ids into the reduced text. Returns -1, with {@code sa} to be cleared, when the keys are too
   * many.
   */
  private static long nameByTable(
      byte[] t, int[] sa, int n, int[] counts, int[] lmsCount, int maxTableKeys) {
    KeyTable table = new KeyTable(maxTableKeys);
    Arrays.fill(lmsCount, 0);
    Arrays.fill(counts, 0);
    int m = 0;
    int c1 = t[n - 1] & 0xff;
    counts[c1]++;
    boolean s1 = false;
    long window = (long) ((c1 << 1) + 1) << (BITS * (PAIRS - 1));
    int next = n;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xff;
      counts[c0]++;
      boolean s0 = c0 < c1 || (c0 == c1 && s1);
      if (!s0 && s1) {
        // i + 1 is an LMS position and the window holds its pairs.
        int p = i + 1;
        int d = next - p;
        long key;
        if (d < PAIRS) {
          key = window & (-1L << (BITS * (PAIRS - 1 - d)));
        } else {
          key = window | LONG;
        }
        int id = table.add(key);
        if (id < 0) {
          return -1;
        }
        sa[p >> 1] = id + 1;
        lmsCount[c1]++;
        m++;
        next = p;
      }
      window =
          ((long) (((c0 << 1) | (s0 ? 1 : 0)) + 1) << (BITS * (PAIRS - 1))) | (window >>> BITS);
      c1 = c0;
      s1 = s0;
    }
    if (m == 0) {
      return 0;
    }
    int len = (n + 1) >> 1;
    // Names: the distinct keys in order; a long key held by several substrings gets one name per
    // distinct substring, ordered by the text.
    int distinct = table.size;
    long[] sorted = new long[distinct];
    for (int id = 0; id < distinct; id++) {
      sorted[id] = table.byId[id] & ~LONG;
    }
    Arrays.sort(sorted);
    int[] refineIndex = null;
    int refined = 0;
    for (int id = 0; id < distinct; id++) {
      if (table.byId[id] < 0 && table.counts[id] > 1) {
        if (refineIndex == null) {
          refineIndex = new int[distinct];
          Arrays.fill(refineIndex, -1);
        }
        refineIndex[id] = refined++;
      }
    }
    int[][] groups = null;
    int[] widths = null;
    long[] stype = null;
    if (refined > 0) {
      stype = types(t, n);
      groups = new int[refined][];
      int[] fill = new int[refined];
      for (int id = 0; id < distinct; id++) {
        if (refineIndex[id] >= 0) {
          groups[refineIndex[id]] = new int[table.counts[id]];
        }
      }
      for (int x = 0; x < len; x++) {
        int v = sa[x];
        if (v != 0 && refineIndex[v - 1] >= 0) {
          int g = refineIndex[v - 1];
          groups[g][fill[g]++] = lmsAt(stype, x);
        }
      }
      widths = new int[refined];
      for (int g = 0; g < refined; g++) {
        widths[g] = sortTails(t, n, stype, groups[g]);
      }
    }
    int[] nameOf = new int[distinct];
    int names = 0;
    for (long key : sorted) {
      int id = table.find(key);
      if (id < 0) {
        id = table.find(key | LONG);
      }
      nameOf[id] = names + 1;
      names += refineIndex != null && refineIndex[id] >= 0 ? widths[refineIndex[id]] : 1;
    }
    // A refined substring's own name replaces its id, negated.
    for (int g = 0; g < refined; g++) {
      int[] group = groups[g];
      int name = nameOf[sa[group[0] >> 1] - 1];
      for (int k = 0; k < group.length; k++) {
        if (k > 0 && compareTails(t, stype, n, group[k - 1], group[k]) != 0) {
          name++;
        }
        sa[group[k] >> 1] = -name;
      }
    }
    // The reduced text, from the ids at sa[0, len) to sa[n - m, n); n - m >= len.
    for (int x = len - 1, j = n - 1; x >= 0; x--) {
      int v = sa[x];
      if (v != 0) {
        sa[j--] = (v > 0 ? nameOf[v - 1] : -v) - 1;
      }
    }
    if (names == m) {
      // All distinct: each LMS position goes to the index its name gives.
      c1 = t[n - 1] & 0xff;
      s1 = false;
      int j = n - 1;
      for (int i = n - 2; i >= 0; i--) {
        int c0 = t[i] & 0xff;
        boolean s0 = c0 < c1 || (c0 == c1 && s1);
        if (!s0 && s1) {
          sa[sa[j--]] = i + 1;
        }
        c1 = c0;
        s1 = s0;
      }
    }
    return ((long) m << 32) | names;
  }

  /** 1 when a symbol {@code c0} followed by {@code c1} of type {@code s1} is S-type, else 0. */
  private static int sType(int c0, int c1, int s1) {
    return ((c0 - c1) >>> 31) | ((((c0 ^ c1) - 1) >>> 31) & s1);
  }

  /** The types, one bit per position (1 = S). */
  private static long[] types(byte[] t, int n) {
    long[] stype = new long[(n + 63) >>> 6];
    int c1 = t[n - 1] & 0xff;
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xff;
      int s0 = sType(c0, c1, s1);
      stype[i >>> 6] |= (long) s0 << i;
      c1 = c0;
      s1 = s0;
    }
    return stype;
  }

  /** The LMS position {@code p} with {@code p / 2 == x}: whichever of 2x and 2x + 1 is one. */
  private static int lmsAt(long[] stype, int x) {
    int p = 2 * x;
    boolean lms = p > 0 && isS(stype, p) && !isS(stype, p - 1);
    return lms ? p : p + 1;
  }

  private static boolean isS(long[] stype, int i) {
    return ((stype[i >>> 6] >>> i) & 1) != 0;
  }

  /** Sorts LMS positions with equal long keys by their tails; returns the number of distinct. */
  private static int sortTails(byte[] t, int n, long[] stype, int[] group) {
    Integer[] boxed = new Integer[group.length];
    for (int k = 0; k < group.length; k++) {
      boxed[k] = group[k];
    }
    Arrays.sort(boxed, (a, b) -> compareTails(t, stype, n, a, b));
    int distinct = 1;
    for (int k = 0; k < group.length; k++) {
      group[k] = boxed[k];
      if (k > 0 && compareTails(t, stype, n, group[k - 1], group[k]) != 0) {
        distinct++;
      }
    }
    return distinct;
  }

  /** Open-addressing table from keys to ids in order of first appearance, with counts. */
  private static final class KeyTable {
    long[] slots = new long[1 << 16];
    int[] slotIds = new int[1 << 16];
    long[] byId = new long[1 << 15];
    int[] counts = new int[1 << 15];
    int size;
    final int maxKeys;

    KeyTable(int maxKeys) {
      this.maxKeys = maxKeys;
    }

    /** The key's id, counted once more; -1 once there are too many keys. */
    int add(long key) {
      int mask = slots.length - 1;
      int h = hash(key) & mask;
      long k;
      while ((k = slots[h]) != 0) {
        if (k == key) {
          int id = slotIds[h];
          counts[id]++;
          return id;
        }
        h = (h + 1) & mask;
      }
      if (size == maxKeys) {
        return -1;
      }
      int id = size++;
      slots[h] = key;
      slotIds[h] = id;
      if (id == byId.length) {
        byId = Arrays.copyOf(byId, id * 2);
        counts = Arrays.copyOf(counts, id * 2);
      }
      byId[id] = key;
      counts[id] = 1;
      if (size * 2 > slots.length) {
        grow();
      }
      return id;
    }

    int find(long key) {
      int mask = slots.length - 1;
      int h = hash(key) & mask;
      long k;
      while ((k = slots[h]) != 0) {
        if (k == key) {
          return slotIds[h];
        }
        h = (h + 1) & mask;
      }
      return -1;
    }

    private void grow() {
      long[] old = slots;
      int[] oldIds = slotIds;
      slots = new long[old.length * 2];
      slotIds = new int[old.length * 2];
      int mask = slots.length - 1;
      for (int s = 0; s < old.length; s++) {
        if (old[s] != 0) {
          int h = hash(old[s]) & mask;
          while (slots[h] != 0) {
            h = (h + 1) & mask;
          }
          slots[h] = old[s];
          slotIds[h] = oldIds[s];
        }
      }
    }

    private static int hash(long key) {
      return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32);
    }
  }

  /**
   * Compares the LMS substrings at {@code a} and {@code b}, whose first seven pairs are equal and
   * contain no LMS position past the first.
   */
  private static int compareTails(byte[] t, long[] stype, int n, int a, int b) {
    if (a == b) {
      return 0;
    }
    for (int k = PAIRS; ; k++) {
      int x = pair(t, stype, n, a + k);
      int y = pair(t, stype, n, b + k);
      if (x != y) {
        return Integer.compare(x, y);
      }
      // Equal pairs here and before: both or neither end at this LMS position.
      int i = a + k;
      if (((stype[(i - 1) >>> 6] >>> (i - 1)) & 1) == 0 && (x & 1) == 0) {
        return 0;
      }
    }
  }

  /** The packed (symbol, type) pair at {@code i}, 0 past the end; an S pair is even here. */
  private static int pair(byte[] t, long[] stype, int n, int i) {
    if (i >= n) {
      return 0;
    }
    return (((t[i] & 0xff) << 1) | (int) ((stype[i >>> 6] >>> i) & 1)) + 1;
  }
}
