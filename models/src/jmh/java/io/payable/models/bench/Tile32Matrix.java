package io.payable.models.bench;

import io.payable.models.influence.Bfloat16;

/**
 * The first batch kernel of {@link io.payable.models.influence.InfluenceMatrix}, kept for the
 * side-by-side benchmark: double arithmetic (V2.6 step 2 before it moved to float), tiles of 32
 * examples decoded whole, one query per pass over a tile.
 */
public final class Tile32Matrix {
  /** Examples per tile: a tile's decoded columns ({@code 8 * TILE * k} bytes) fit a core's L2. */
  public static final int TILE = 32;

  private final int dimension;
  private final int examples;
  // tiles[i][j * TILE + t] = bfloat16 entry j of example i * TILE + t (0 past the last example).
  private final short[][] tiles;

  private Tile32Matrix(int dimension, int examples, short[][] tiles) {
    this.dimension = dimension;
    this.examples = examples;
    this.tiles = tiles;
  }

  /** A matrix of in-memory sketches (each of {@code dimension} floats, rounded to bfloat16). */
  public static Tile32Matrix of(int dimension, java.util.List<float[]> sketches) {
    int n = sketches.size();
    short[][] tiles = new short[(n + TILE - 1) / TILE][];
    for (int i = 0; i < tiles.length; i++) {
      short[] tile = new short[dimension * TILE];
      for (int t = 0; t < TILE && i * TILE + t < n; t++) {
        float[] s = sketches.get(i * TILE + t);
        if (s.length != dimension) {
          throw new IllegalArgumentException(
              "sketch of dimension " + s.length + ", expected " + dimension);
        }
        for (int j = 0; j < dimension; j++) {
          tile[j * TILE + t] = Bfloat16.encode(s[j]);
        }
      }
      tiles[i] = tile;
    }
    return new Tile32Matrix(dimension, n, tiles);
  }

  public int dimension() {
    return dimension;
  }

  public int examples() {
    return examples;
  }

  /** Every example's score for each preconditioned query, in double. */
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
    double[][] columns = new double[dimension][TILE];
    double[][] acc = new double[8][TILE];
    for (int i = 0; i < tiles.length; i++) {
      decode(tiles[i], columns);
      int from = i * TILE;
      int valid = Math.min(TILE, examples - from);
      for (int b = 0; b < queries; b++) {
        scoreTile(preconditioned[b], columns, acc);
        combine(acc, out[b], from, valid);
      }
    }
    return out;
  }

  private static void decode(short[] tile, double[][] columns) {
    for (int j = 0; j < columns.length; j++) {
      double[] c = columns[j];
      int o = j * TILE;
      for (int t = 0; t < TILE; t++) {
        c[t] = Float.intBitsToFloat(tile[o + t] << 16);
      }
    }
  }

  /**
   * Entry j of the query into accumulator {@code j mod 8}, ascending: runs of four entries of a
   * residue per pass, the spec's tail group (the last {@code k mod 8} entries, which the spec adds
   * through a zeroed accumulator of its own) added as {@code 0.0 + q * s}.
   */
  private void scoreTile(double[] q, double[][] columns, double[][] acc) {
    int whole = dimension - dimension % 8;
    for (int r = 0; r < 8; r++) {
      double[] a = acc[r];
      java.util.Arrays.fill(a, 0.0);
      int j = r;
      for (; j + 24 < whole; j += 32) {
        add4(
            a,
            columns[j],
            columns[j + 8],
            columns[j + 16],
            columns[j + 24],
            q[j],
            q[j + 8],
            q[j + 16],
            q[j + 24]);
      }
      for (; j < whole; j += 8) {
        add1(a, columns[j], q[j]);
      }
      if (j < dimension) {
        addTail(a, columns[j], q[j]);
      }
    }
  }

  // The loops below index every array from 0 with one bound, the shape C2's superword
  // vectoriser accepts; the length checks let it drop the per-element range checks.

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
    for (int t = 0; t < a.length; t++) {
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
