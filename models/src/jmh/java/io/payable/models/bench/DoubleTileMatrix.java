package io.payable.models.bench;

import io.payable.models.influence.Bfloat16;

/**
 * The batch kernel of {@link io.payable.models.influence.InfluenceMatrix} in double arithmetic
 * (V2.6 step 2 before it moved to float), kept for the side-by-side benchmark: tiles of 256
 * examples, one residue decoded at a time, two queries per pass.
 */
public final class DoubleTileMatrix {
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

  private DoubleTileMatrix(int dimension, int examples, int tile, short[][] tiles) {
    this.dimension = dimension;
    this.examples = examples;
    this.tile = tile;
    this.tiles = tiles;
  }

  /** A matrix of in-memory sketches (each of {@code dimension} floats, rounded to bfloat16). */
  public static DoubleTileMatrix of(int dimension, java.util.List<float[]> sketches) {
    int width = TILE;
    checkTile(dimension, width);
    int n = sketches.size();
    short[][] tiles = new short[(n + width - 1) / width][];
    for (int i = 0; i < tiles.length; i++) {
      short[] tile = new short[dimension * width];
      for (int t = 0; t < width && i * width + t < n; t++) {
        float[] s = sketches.get(i * width + t);
        for (int j = 0; j < dimension; j++) {
          tile[j * width + t] = Bfloat16.encode(s[j]);
        }
      }
      tiles[i] = tile;
    }
    return new DoubleTileMatrix(dimension, n, width, tiles);
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
   * Every example's score for each preconditioned query, in double (the arithmetic of V2.6 step 2
   * before it moved to float).
   */
  public double[][] scores(double[][] preconditioned) {
    for (double[] q : preconditioned) {
      if (q.length != dimension) {
        throw new IllegalArgumentException(
            "query of dimension " + q.length + ", sketches of " + dimension);
      }
    }
    int queries = preconditioned.length;
    double[][] out = new double[queries][examples];
    if (queries == 0 || examples == 0) {
      return out;
    }
    // Entries j < whole go straight into accumulator j mod 8; the spec adds the last k mod 8
    // through zeroed accumulators of their own (at most one entry per residue).
    int whole = dimension / 8;
    double[][] columns = new double[(dimension + 7) / 8][tile];
    double[][][] acc = new double[queries][8][tile];
    for (int i = 0; i < tiles.length; i++) {
      short[] packed = tiles[i];
      for (int r = 0; r < 8; r++) {
        int count = whole + (r < dimension % 8 ? 1 : 0);
        decode(packed, r, count, columns);
        int b = 0;
        for (; b + 1 < queries; b += 2) {
          scorePair(
              preconditioned[b],
              preconditioned[b + 1],
              r,
              whole,
              count,
              columns,
              acc[b][r],
              acc[b + 1][r]);
        }
        if (b < queries) {
          scoreOne(preconditioned[b], r, whole, count, columns, acc[b][r]);
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

  /** Entries {@code j = r + 8 m} ({@code m < count}) of the tile's examples, as doubles. */
  private void decode(short[] packed, int r, int count, double[][] columns) {
    for (int m = 0; m < count; m++) {
      double[] c = columns[m];
      int o = (r + 8 * m) * tile;
      for (int t = 0; t < tile; t++) {
        c[t] = Float.intBitsToFloat(packed[o + t] << 16);
      }
    }
  }

  /** Residue r of two queries: runs of four entries per pass, ascending j, then the tail entry. */
  private static void scorePair(
      double[] q,
      double[] p,
      int r,
      int whole,
      int count,
      double[][] columns,
      double[] a,
      double[] b) {
    java.util.Arrays.fill(a, 0.0);
    java.util.Arrays.fill(b, 0.0);
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
      double[] q, int r, int whole, int count, double[][] columns, double[] a) {
    java.util.Arrays.fill(a, 0.0);
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

  private static void add4Pair(
      double[] a,
      double[] b,
      double[] s0,
      double[] s1,
      double[] s2,
      double[] s3,
      double c0,
      double c1,
      double c2,
      double c3,
      double d0,
      double d1,
      double d2,
      double d3) {
    int n = a.length;
    if (b.length < n || s0.length < n || s1.length < n || s2.length < n || s3.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      double x0 = s0[t];
      double x1 = s1[t];
      double x2 = s2[t];
      double x3 = s3[t];
      a[t] = (((a[t] + c0 * x0) + c1 * x1) + c2 * x2) + c3 * x3;
      b[t] = (((b[t] + d0 * x0) + d1 * x1) + d2 * x2) + d3 * x3;
    }
  }

  private static void add4(
      double[] a,
      double[] s0,
      double[] s1,
      double[] s2,
      double[] s3,
      double c0,
      double c1,
      double c2,
      double c3) {
    int n = a.length;
    if (s0.length < n || s1.length < n || s2.length < n || s3.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      a[t] = (((a[t] + c0 * s0[t]) + c1 * s1[t]) + c2 * s2[t]) + c3 * s3[t];
    }
  }

  private static void add1(double[] a, double[] s, double c) {
    int n = a.length;
    if (s.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      a[t] += c * s[t];
    }
  }

  private static void addTail(double[] a, double[] s, double c) {
    int n = a.length;
    if (s.length < n) {
      throw new IllegalArgumentException("short column");
    }
    for (int t = 0; t < n; t++) {
      a[t] += 0.0 + c * s[t];
    }
  }

  private static void combine(double[][] acc, double[] out, int from, int valid) {
    for (int t = 0; t < valid; t++) {
      out[from + t] =
          ((acc[0][t] + acc[1][t]) + (acc[2][t] + acc[3][t]))
              + ((acc[4][t] + acc[5][t]) + (acc[6][t] + acc[7][t]));
    }
  }
}
