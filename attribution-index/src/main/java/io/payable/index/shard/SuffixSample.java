package io.payable.index.shard;

/**
 * Every {@code interval}-th suffix of a shard's suffix array, kept on the heap: its start position
 * and the {@value #KEY_SYMBOLS} symbols after its first one. A search first narrows its range over
 * these samples, mostly without touching the mapped {@code sa} and {@code tokens} files, and only
 * then probes the mapped files between two neighbouring samples. On a large shard that turns about
 * {@code log2(interval)} fewer of a search's probes into page-cache reads at random places, which
 * is where a search spends its time.
 *
 * <p>Built from the mapped files when a shard first needs it (nothing is stored on disk): one read
 * of every {@code interval}-th {@code sa} entry and {@value #KEY_SYMBOLS} symbols at each sampled
 * position. Takes {@code 16 / interval} bytes of heap per symbol (4 bytes per symbol at interval 4,
 * 0.25 at 64). Immutable once built, so shared by any number of threads.
 */
final class SuffixSample {

  /** Symbols after the first one kept per sample (the first is the bucket's, known). */
  static final int KEY_SYMBOLS = 3;

  /** Ints per sample: the position, then the key symbols. */
  private static final int STRIDE = 1 + KEY_SYMBOLS;

  private final int shift;

  /**
   * Sample {@code j} (the suffix of rank {@code j << shift}) at {@code [STRIDE * j, STRIDE * j +
   * STRIDE)}: its start position, then the symbols at positions {@code +1 .. +KEY_SYMBOLS} (-1 past
   * the end of the shard, which sorts below every symbol as the end of a suffix does).
   */
  private final int[] entries;

  private SuffixSample(int shift, int[] entries) {
    this.shift = shift;
    this.entries = entries;
  }

  /** Samples every {@code 2^shift}-th suffix of {@code sa} over {@code tokens}. */
  static SuffixSample build(IntArrayView sa, IntArrayView tokens, int shift) {
    long n = sa.length();
    long count = (n + (1L << shift) - 1) >>> shift;
    if (count * STRIDE > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "sample interval " + (1L << shift) + " too small for " + n + " symbols");
    }
    int[] entries = new int[(int) (count * STRIDE)];
    for (int j = 0; j < count; j++) {
      int p = sa.get((long) j << shift);
      entries[STRIDE * j] = p;
      for (int t = 1; t <= KEY_SYMBOLS; t++) {
        entries[STRIDE * j + t] = p + t < n ? tokens.get(p + t) : -1;
      }
    }
    return new SuffixSample(shift, entries);
  }

  /** Sampling interval as a power of two. */
  int shift() {
    return shift;
  }

  /** Heap taken by the sample's array. */
  long bytes() {
    return 16L + 4L * entries.length;
  }

  /** First sample strictly above rank {@code left} ({@code left >= -1}). */
  int firstAbove(long left) {
    return (int) ((left + (1L << shift)) >>> shift);
  }

  /** Last sample strictly below rank {@code right} ({@code right >= 0}); -1 if none. */
  int lastBelow(long right) {
    return (int) ((right - 1) >> shift);
  }

  /** Rank of sample {@code j}. */
  long rank(int j) {
    return (long) j << shift;
  }

  /** Start position of the suffix of sample {@code j}. */
  int position(int j) {
    return entries[STRIDE * j];
  }

  /**
   * Symbol at offset {@code offset} (1 to {@link #KEY_SYMBOLS}) of sample {@code j}'s suffix, -1
   * past the end.
   */
  int key(int j, int offset) {
    return entries[STRIDE * j + offset];
  }
}
