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
   * LMS substrings; otherwise {@code sa[h - m, h)}, {@code h = n / 2}, receives the reduced text,
   * the names (from 0) of the LMS substrings in text order, and {@code sa[n - m, n)} the LMS
   * positions in text order (so the reduced problem's suffix array maps to positions without
   * scanning the text again; {@code m <= n / 2}, as LMS positions are at least two apart and 0 is
   * none). When the reduced problem is solved on chars ({@link SuffixArrays#reducedOnChars}), the
   * reduced text goes to {@link Naming#chars} instead, {@code sa[0, h - m)} staying zero. {@code
   * counts[c]} and {@code lmsCount[c]} receive the number of positions and of LMS positions with
   * symbol {@code c}. Up to {@code maxTableKeys} distinct keys are named through a hash table, more
   * by {@link InducedLmsNaming}.
   */
  static Naming sortAndName(
      byte[] t, int[] sa, int n, int[] counts, int[] lmsCount, int maxTableKeys) {
    Naming named = nameByTable(t, sa, n, counts, lmsCount, maxTableKeys);
    if (named != null) {
      return named;
    }
    Arrays.fill(sa, 0, n, 0);
    long mn = InducedLmsNaming.sortAndName(t, sa, n, counts, lmsCount);
    return new Naming((int) (mn >>> 32), (int) mn, null, null);
  }

  /**
   * What {@link #sortAndName} found: {@code m} LMS substrings with {@code names} distinct names,
   * and how often each name occurs in the reduced text when that came for free ({@code null}
   * otherwise): the reduced problem's symbol counts; {@code chars}, when not {@code null}, is the
   * reduced text for the char level (then {@code sa[h - m, h)} holds ids, not names, and {@code
   * sa[0, h - m)} is still zero).
   */
  record Naming(int m, int names, int[] nameCounts, char[] chars) {}

  /** Distinct keys above this many go to the induced sort: the table would no longer be cached. */
  static final int MAX_TABLE_KEYS = 1 << 20;

  /**
   * As {@link #sortAndName}, for texts with few distinct keys (natural text: 54,822 for 5.9M LMS
   * substrings of 18 MB of English): one scan gives every LMS substring the id of its key in a hash
   * table, written right to left at the end of {@code sa} where the reduced text goes, only the
   * distinct keys are sorted, and one sequential pass turns the ids into names. Returns null, with
   * {@code sa} to be cleared, when the keys are too many.
   */
  private static Naming nameByTable(
      byte[] t, int[] sa, int n, int[] counts, int[] lmsCount, int maxTableKeys) {
    KeyTable table = new KeyTable(maxTableKeys);
    LongKeys longKeys = new LongKeys();
    int h = n >> 1;
    int m = scanKeys(t, sa, n, counts, lmsCount, table, longKeys);
    if (m < 0) {
      return null;
    }
    if (m == 0) {
      return new Naming(0, 0, null, null);
    }
    int[] longPos = longKeys.pos;
    int[] longSlot = longKeys.slot;
    int[] longEnd = longKeys.end;
    int longs = longKeys.size;
    int[] countOf = table.countsById();
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
      if (table.byId[id] < 0 && countOf[id] > 1) {
        if (refineIndex == null) {
          refineIndex = new int[distinct];
          Arrays.fill(refineIndex, -1);
        }
        refineIndex[id] = refined++;
      }
    }
    int[][] groups = null;
    int[] widths = null;
    if (refined > 0) {
      groups = new int[refined][];
      int[] fill = new int[refined];
      for (int id = 0; id < distinct; id++) {
        if (refineIndex[id] >= 0) {
          groups[refineIndex[id]] = new int[countOf[id]];
        }
      }
      for (int k = 0; k < longs; k++) {
        int g = refineIndex[sa[longSlot[k]]];
        if (g >= 0) {
          groups[g][fill[g]++] = k;
        }
      }
      widths = new int[refined];
      for (int g = 0; g < refined; g++) {
        widths[g] = sortTails(t, n, groups[g], longPos, longEnd);
      }
    }
    int[] nameOf = new int[distinct];
    int names = 0;
    for (long key : sorted) {
      int id = table.find(key);
      if (id < 0) {
        id = table.find(key | LONG);
      }
      nameOf[id] = names;
      names += refineIndex != null && refineIndex[id] >= 0 ? widths[refineIndex[id]] : 1;
    }
    int[] nameCounts = new int[names];
    for (int id = 0; id < distinct; id++) {
      if (refineIndex == null || refineIndex[id] < 0) {
        nameCounts[nameOf[id]] = countOf[id];
      }
    }
    // A refined substring's own name replaces its id, complemented.
    for (int g = 0; g < refined; g++) {
      int[] group = groups[g];
      int name = nameOf[sa[longSlot[group[0]]]];
      for (int k = 0; k < group.length; k++) {
        if (k > 0 && compareTails(t, n, group[k - 1], group[k], longPos, longEnd) != 0) {
          name++;
        }
        sa[longSlot[group[k]]] = ~name;
        nameCounts[name]++;
      }
    }
    // The reduced text: ids to names, written straight to the char copy the char level solves,
    // else in place at sa[h - m, h).
    char[] chars = null;
    if (names < m && SuffixArrays.reducedOnChars(m, names)) {
      chars = new char[m];
      idsToChars(sa, h - m, m, nameOf, chars);
    } else {
      idsToNames(sa, h - m, m, nameOf);
    }
    if (names == m) {
      // All distinct: each LMS position goes to the index its name gives (the names first moved
      // past sa[0, m), over the positions, which the scan finds again).
      System.arraycopy(sa, h - m, sa, n - m, m);
      placeByName(t, sa, n);
    }
    return new Naming(m, names, nameCounts, chars);
  }

  /**
   * The one scan of the text, right to left: counts the symbols and the LMS positions per symbol,
   * gives each LMS substring the id of its key, written to {@code sa[n / 2 - m, n / 2)}, the
   * positions to {@code sa[n - m, n)}, and records the long keys. Returns {@code m}, or -1 once the
   * table refuses a key.
   */
  private static int scanKeys(
      byte[] t, int[] sa, int n, int[] counts, int[] lmsCount, KeyTable table, LongKeys longs) {
    Arrays.fill(lmsCount, 0);
    Arrays.fill(counts, 0);
    int c1 = t[n - 1] & 0xff;
    counts[c1]++;
    boolean s1 = false;
    long window = (long) ((c1 << 1) + 1) << (BITS * (PAIRS - 1));
    int next = n;
    int h = n >> 1;
    int j = h;
    int jp = n;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xff;
      counts[c0]++;
      boolean s0 = c0 < c1 || (c0 == c1 && s1);
      if (!s0 && s1) {
        // i + 1 is an LMS position and the window holds its pairs.
        int p = i + 1;
        int d = next - p;
        int id;
        if (d < PAIRS) {
          id = table.add(window & (-1L << (BITS * (PAIRS - 1 - d))));
        } else {
          id = table.add(window | LONG);
          longs.add(p, next, j - 1);
        }
        if (id < 0) {
          return -1;
        }
        sa[--j] = id;
        sa[--jp] = p;
        lmsCount[c1]++;
        next = p;
      }
      window =
          ((long) (((c0 << 1) | (s0 ? 1 : 0)) + 1) << (BITS * (PAIRS - 1))) | (window >>> BITS);
      c1 = c0;
      s1 = s0;
    }
    return h - j;
  }

  /**
   * LMS positions with long keys, where their substrings end, and their slots in the reduced text.
   */
  private static final class LongKeys {
    int[] pos = new int[64];
    int[] end = new int[64];
    int[] slot = new int[64];
    int size;

    void add(int p, int e, int s) {
      if (size == pos.length) {
        pos = Arrays.copyOf(pos, size * 2);
        end = Arrays.copyOf(end, size * 2);
        slot = Arrays.copyOf(slot, size * 2);
      }
      pos[size] = p;
      end[size] = e;
      slot[size++] = s;
    }
  }

  /**
   * The reduced text's ids at {@code sa[from, from + m)} to names (complemented: the name itself)
   * in {@code chars}.
   */
  private static void idsToChars(int[] sa, int from, int m, int[] nameOf, char[] chars) {
    for (int x = 0; x < m; x++) {
      int v = sa[from + x];
      chars[x] = (char) (v >= 0 ? nameOf[v] : ~v);
    }
  }

  /** As {@link #idsToChars}, in place. */
  private static void idsToNames(int[] sa, int from, int m, int[] nameOf) {
    for (int x = from; x < from + m; x++) {
      int v = sa[x];
      sa[x] = v >= 0 ? nameOf[v] : ~v;
    }
  }

  /**
   * With distinct names at {@code sa[n - m, n)} in text order, writes each LMS position to {@code
   * sa[name]}.
   */
  private static void placeByName(byte[] t, int[] sa, int n) {
    int c1 = t[n - 1] & 0xff;
    boolean s1 = false;
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

  /**
   * Sorts the long-key LMS substrings {@code group} (indices into {@code pos} and {@code end}) with
   * equal keys by their tails; returns the number of distinct.
   */
  private static int sortTails(byte[] t, int n, int[] group, int[] pos, int[] end) {
    Integer[] boxed = new Integer[group.length];
    for (int k = 0; k < group.length; k++) {
      boxed[k] = group[k];
    }
    Arrays.sort(boxed, (a, b) -> compareTails(t, n, a, b, pos, end));
    int distinct = 1;
    for (int k = 0; k < group.length; k++) {
      group[k] = boxed[k];
      if (k > 0 && compareTails(t, n, group[k - 1], group[k], pos, end) != 0) {
        distinct++;
      }
    }
    return distinct;
  }

  /**
   * Open-addressing table from keys to ids in order of first appearance, with counts. Each slot
   * holds its key and, beside it, its id and count ({@code count << 32 | id}), so a lookup touches
   * one cache line and counting costs no further random access.
   */
  private static final class KeyTable {
    /** Key at {@code 2h}, {@code count << 32 | id} at {@code 2h + 1}. */
    long[] slots = new long[2 << 16];

    long[] byId = new long[1 << 15];
    int size;
    final int maxKeys;

    KeyTable(int maxKeys) {
      this.maxKeys = maxKeys;
    }

    /** The key's id, counted once more; -1 once there are too many keys. */
    int add(long key) {
      long[] s = slots;
      int mask = s.length - 2;
      int h = (hash(key) << 1) & mask;
      long k;
      while ((k = s[h]) != 0) {
        if (k == key) {
          long v = s[h + 1] + (1L << 32);
          s[h + 1] = v;
          return (int) v;
        }
        h = (h + 2) & mask;
      }
      return insert(h, key);
    }

    private int insert(int h, long key) {
      if (size == maxKeys) {
        return -1;
      }
      int id = size++;
      slots[h] = key;
      slots[h + 1] = (1L << 32) | id;
      if (id == byId.length) {
        byId = Arrays.copyOf(byId, id * 2);
      }
      byId[id] = key;
      if (size * 4 > slots.length) {
        grow();
      }
      return id;
    }

    /** The id of a key in the table, -1 if absent. */
    int find(long key) {
      long[] s = slots;
      int mask = s.length - 2;
      int h = (hash(key) << 1) & mask;
      long k;
      while ((k = s[h]) != 0) {
        if (k == key) {
          return (int) s[h + 1];
        }
        h = (h + 2) & mask;
      }
      return -1;
    }

    /** How often each id was added. */
    int[] countsById() {
      int[] counts = new int[size];
      for (int o = 0; o < slots.length; o += 2) {
        if (slots[o] != 0) {
          counts[(int) slots[o + 1]] = (int) (slots[o + 1] >>> 32);
        }
      }
      return counts;
    }

    private void grow() {
      long[] old = slots;
      slots = new long[old.length * 2];
      int mask = slots.length - 2;
      for (int o = 0; o < old.length; o += 2) {
        if (old[o] != 0) {
          int h = (hash(old[o]) << 1) & mask;
          while (slots[h] != 0) {
            h = (h + 2) & mask;
          }
          slots[h] = old[o];
          slots[h + 1] = old[o + 1];
        }
      }
    }

    /**
     * The slot index comes from the product's bits 32 and up, which depend only on the key's bits
     * below them; a key's first pairs sit in its top bits (short keys have zero low bits), so those
     * are first folded down: without it, 18 MB of English took 2.2 extra probes per lookup, with it
     * 0.04.
     */
    private static int hash(long key) {
      return (int) (((key ^ (key >>> 31)) * 0x9E3779B97F4A7C15L) >>> 32);
    }
  }

  /**
   * Compares the long LMS substrings {@code x} and {@code y} (from {@code pos[x]} to the next LMS
   * position {@code end[x]}, or to the text's end), whose first seven pairs are equal. Types are
   * found as the comparison walks: a position in the same run as the one before has its type, else
   * the first different symbol after its run decides, which lies within the substring (its last
   * position before the end is L-type, greater than the S-type end), so no run is scanned twice and
   * nothing past the substrings is read.
   */
  private static int compareTails(byte[] t, int n, int x, int y, int[] pos, int[] end) {
    int a = pos[x];
    int b = pos[y];
    if (a == b) {
      return 0;
    }
    int aEnd = end[x];
    int bEnd = end[y];
    int ta = typeIn(t, a + PAIRS - 1, aEnd);
    int tb = ta;
    int len = Math.min(aEnd - a, bEnd - b);
    for (int k = PAIRS; k <= len; k++) {
      int i = a + k;
      int j = b + k;
      int pa;
      int pb;
      if (i == aEnd) {
        pa = aEnd < n ? (((t[i] & 0xff) << 1) | 1) + 1 : 0;
      } else {
        int c = t[i] & 0xff;
        ta = c == (t[i - 1] & 0xff) ? ta : typeIn(t, i, aEnd);
        pa = ((c << 1) | ta) + 1;
      }
      if (j == bEnd) {
        pb = bEnd < n ? (((t[j] & 0xff) << 1) | 1) + 1 : 0;
      } else {
        int c = t[j] & 0xff;
        tb = c == (t[j - 1] & 0xff) ? tb : typeIn(t, j, bEnd);
        pb = ((c << 1) | tb) + 1;
      }
      if (pa != pb) {
        return Integer.compare(pa, pb);
      }
    }
    // Equal pairs up to the end of one: its L-to-S end is then one of the other too.
    return 0;
  }

  /** The type (1 = S) of position {@code i} of an LMS substring that ends at {@code end}. */
  private static int typeIn(byte[] t, int i, int end) {
    int c = t[i] & 0xff;
    int k = i + 1;
    while (k < end && (t[k] & 0xff) == c) {
      k++;
    }
    return k < end && (t[k] & 0xff) > c ? 1 : 0;
  }
}
