package io.payable.models.influence;

/**
 * An influence store's sketches held for batch scoring: a micro-batch of preconditioned queries is
 * scored against every training example in one pass over the sketches (a matrix product), with each
 * score bit-identical to {@link InfluenceScorer#score} (docs/attribution.md, V2.6 step 2).
 *
 * <p>Why this shape: scoring one event at a time reads the whole store per event (403 MB for
 * 100,000 examples at k = 2,048) and runs a scalar dot product, because the eight fixed
 * accumulators of the spec are not a reduction the JIT vectorises. Here the sketches are kept in
 * tiles of {@link #TILE} examples, dimension-major (entry j of the tile's examples side by side).
 * For each residue {@code r} of the spec's eight accumulators, the tile's entries {@code j = r, r +
 * 8, ...} are decoded from bfloat16 to doubles once per batch (about 500 KB, which stays in the
 * core's L2 cache) and every query of the batch is applied to them: the inner loop runs over the
 * tile's examples, one accumulator array per (query, residue), so each (example, residue)
 * accumulator still receives its entries in ascending j, and the loop is a plain array loop the JIT
 * turns into SIMD code. Two queries share each pass (their loads of the decoded entries are shared)
 * and four entries of a residue are added per pass; a longer body is past the JIT's unrolling limit
 * and would not be vectorised.
 *
 * <p>Memory: two bytes per sketch entry on the heap (as in the store), plus, per scoring call, the
 * decoded entries of one residue of a tile ({@code 4 * ceil(k / 8) * TILE} bytes) and eight
 * accumulator rows per query ({@code 32 * TILE} bytes). Instances are immutable and may be shared;
 * {@link #scores} allocates its buffers per call.
 */
public final class InfluenceMatrix {
  /**
   * Examples per tile: long enough that the vectorised inner loop runs mostly in its SIMD main
   * loop, short enough that a residue's decoded entries fit a core's L2 cache (docs/benchmarks.md).
   */
  public static final int TILE = 256;

  private final int dimension;
  private final int examples;
  private final int tile;
  // tiles[i][j * tile + t] = bfloat16 entry j of example i * tile + t (0 past the last example).
  private final short[][] tiles;

  private InfluenceMatrix(int dimension, int examples, int tile, short[][] tiles) {
    this.dimension = dimension;
    this.examples = examples;
    this.tile = tile;
    this.tiles = tiles;
  }

  /** Reads every sketch of {@code store} into tiles (once per store; about a second per 100 k). */
  public static InfluenceMatrix of(InfluenceStore store) {
    int d = store.layout().dimension();
    int n = Math.toIntExact(store.examples());
    checkTile(d, TILE);
    short[][] tiles = new short[(n + TILE - 1) / TILE][];
    short[] raw = new short[d];
    for (int i = 0; i < tiles.length; i++) {
      short[] tile = new short[d * TILE];
      for (int t = 0; t < TILE && i * TILE + t < n; t++) {
        store.readRaw(i * TILE + t, raw);
        for (int j = 0; j < d; j++) {
          tile[j * TILE + t] = raw[j];
        }
      }
      tiles[i] = tile;
    }
    return new InfluenceMatrix(d, n, TILE, tiles);
  }

  /** A matrix of in-memory sketches (each of {@code dimension} floats, rounded to bfloat16). */
  public static InfluenceMatrix of(int dimension, java.util.List<float[]> sketches) {
    return of(dimension, sketches, TILE);
  }

  /** As {@link #of(int, java.util.List)} with another tile width (tests of the tiling). */
  static InfluenceMatrix of(int dimension, java.util.List<float[]> sketches, int width) {
    if (width < 1) {
      throw new IllegalArgumentException("tile width " + width + ", must be positive");
    }
    checkTile(dimension, width);
    int n = sketches.size();
    short[][] tiles = new short[(n + width - 1) / width][];
    for (int i = 0; i < tiles.length; i++) {
      short[] tile = new short[dimension * width];
      for (int t = 0; t < width && i * width + t < n; t++) {
        float[] s = sketches.get(i * width + t);
        if (s.length != dimension) {
          throw new IllegalArgumentException(
              "sketch of dimension " + s.length + ", expected " + dimension);
        }
        for (int j = 0; j < dimension; j++) {
          tile[j * width + t] = Bfloat16.encode(s[j]);
        }
      }
      tiles[i] = tile;
    }
    return new InfluenceMatrix(dimension, n, width, tiles);
  }

  private static void checkTile(int dimension, int width) {
    if ((long) dimension * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("sketch dimension " + dimension + " is too large to tile");
    }
  }

  public int dimension() {
    return dimension;
  }

  public int examples() {
    return examples;
  }

  /**
   * Every example's score for each preconditioned query: {@code result[b][n]} equals {@code
   * InfluenceScorer.score(preconditioned[b], s_n, 0)} bit for bit.
   */
  public double[][] scores(double[][] preconditioned) {
    int queries = preconditioned.length;
    // V2.6 step 2 uses the preconditioned entries rounded to float.
    float[][] q = new float[queries][];
    for (int b = 0; b < queries; b++) {
      if (preconditioned[b].length != dimension) {
        throw new IllegalArgumentException(
            "query of dimension " + preconditioned[b].length + ", sketches of " + dimension);
      }
      q[b] = new float[dimension];
      for (int j = 0; j < dimension; j++) {
        q[b][j] = (float) preconditioned[b][j];
      }
    }
    double[][] out = new double[queries][examples];
    if (queries == 0 || examples == 0) {
      return out;
    }
    // Entries j < 8 * whole go straight into accumulator j mod 8; the spec adds the last k mod 8
    // through zeroed accumulators of their own (at most one entry per residue).
    int whole = dimension / 8;
    float[][] columns = new float[(dimension + 7) / 8][tile];
    float[][][] acc = new float[queries][8][tile];
    for (int i = 0; i < tiles.length; i++) {
      short[] packed = tiles[i];
      for (int r = 0; r < 8; r++) {
        int count = whole + (r < dimension % 8 ? 1 : 0);
        decode(packed, r, count, columns);
        int b = 0;
        for (; b + 1 < queries; b += 2) {
          scorePair(q[b], q[b + 1], r, whole, count, columns, acc[b][r], acc[b + 1][r]);
        }
        if (b < queries) {
          scoreOne(q[b], r, whole, count, columns, acc[b][r]);
        }
      }
      int from = i * tile;
      int valid = Math.min(tile, examples - from);
      for (int b = 0; b < queries; b++) {
        combine(acc[b], out[b], from, valid);
      }
    }
    return out;
  }

  /** Entries {@code j = r + 8 m} ({@code m < count}) of the tile's examples, as floats. */
  private void decode(short[] packed, int r, int count, float[][] columns) {
    for (int m = 0; m < count; m++) {
      float[] c = columns[m];
      int o = (r + 8 * m) * tile;
      for (int t = 0; t < tile; t++) {
        c[t] = Float.intBitsToFloat(packed[o + t] << 16);
      }
    }
  }

  /** Residue r of two queries: runs of four entries per pass, ascending j, then the tail entry. */
  private static void scorePair(
      float[] q, float[] p, int r, int whole, int count, float[][] columns, float[] a, float[] b) {
    java.util.Arrays.fill(a, 0f);
    java.util.Arrays.fill(b, 0f);
    int m = 0;
    for (; m + 3 < whole; m += 4) {
      int j = r + 8 * m;
      add4Pair(
          a,
          b,
          columns[m],
          columns[m + 1],
          columns[m + 2],
          columns[m + 3],
          q[j],
          q[j + 8],
          q[j + 16],
          q[j + 24],
          p[j],
          p[j + 8],
          p[j + 16],
          p[j + 24]);
    }
    for (; m < whole; m++) {
      int j = r + 8 * m;
      add1(a, columns[m], q[j]);
      add1(b, columns[m], p[j]);
    }
    if (m < count) {
      int j = r + 8 * m;
      addTail(a, columns[m], q[j]);
      addTail(b, columns[m], p[j]);
    }
  }

  private static void scoreOne(
      float[] q, int r, int whole, int count, float[][] columns, float[] a) {
    java.util.Arrays.fill(a, 0f);
    int m = 0;
    for (; m + 3 < whole; m += 4) {
      int j = r + 8 * m;
      add4(
          a,
          columns[m],
          columns[m + 1],
          columns[m + 2],
          columns[m + 3],
          q[j],
          q[j + 8],
          q[j + 16],
          q[j + 24]);
    }
    for (; m < whole; m++) {
      add1(a, columns[m], q[r + 8 * m]);
    }
    if (m < count) {
      addTail(a, columns[m], q[r + 8 * m]);
    }
  }

  // The loops below index every array from 0 with one bound, the shape C2's superword
  // vectoriser accepts; the length checks let it drop the per-element range checks. Their bodies
  // stay under C2's default unrolling limit (LoopUnrollLimit), without which it does not vectorise.
  // Java never fuses a * b + c, as the spec requires.

  private static void add4Pair(
      float[] a,
      float[] b,
      float[] s0,
      float[] s1,
      float[] s2,
      float[] s3,
      float c0,
      float c1,
      float c2,
      float c3,
      float d0,
      float d1,
      float d2,
      float d3) {
    int n = a.length;
    if (b.length < n || s0.length < n || s1.length < n || s2.length < n || s3.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      float x0 = s0[t];
      float x1 = s1[t];
      float x2 = s2[t];
      float x3 = s3[t];
      a[t] = (((a[t] + c0 * x0) + c1 * x1) + c2 * x2) + c3 * x3;
      b[t] = (((b[t] + d0 * x0) + d1 * x1) + d2 * x2) + d3 * x3;
    }
  }

  private static void add4(
      float[] a,
      float[] s0,
      float[] s1,
      float[] s2,
      float[] s3,
      float c0,
      float c1,
      float c2,
      float c3) {
    int n = a.length;
    if (s0.length < n || s1.length < n || s2.length < n || s3.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      a[t] = (((a[t] + c0 * s0[t]) + c1 * s1[t]) + c2 * s2[t]) + c3 * s3[t];
    }
  }

  private static void add1(float[] a, float[] s, float c) {
    int n = a.length;
    if (s.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      a[t] += c * s[t];
    }
  }

  private static void addTail(float[] a, float[] s, float c) {
    int n = a.length;
    if (s.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      a[t] += 0f + c * s[t];
    }
  }

  private static void combine(float[][] acc, double[] out, int from, int valid) {
    for (int t = 0; t < valid; t++) {
      out[from + t] =
          ((acc[0][t] + acc[1][t]) + (acc[2][t] + acc[3][t]))
              + ((acc[4][t] + acc[5][t]) + (acc[6][t] + acc[7][t]));
    }
  }
}
