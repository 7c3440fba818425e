package io.payable.models.influence;

import io.payable.models.Projection;
import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of an adapter's gradient sketch, in LoRA tensor order (layer, then projection, A
 * before B), with the offset of each block in the sketch vector. The default layout gives every
 * factor the same budget {@code floor(k / factors)} (docs/attribution.md, version 2, 2).
 */
public final class SketchLayout {
  private final List<SketchFactor> factors;
  private final int[] offsets;
  private final int dimension;

  private SketchLayout(List<SketchFactor> factors) {
    if (factors.isEmpty()) {
      throw new IllegalArgumentException("a sketch layout needs at least one factor");
    }
    this.factors = List.copyOf(factors);
    this.offsets = new int[factors.size()];
    int at = 0;
    for (int f = 0; f < factors.size(); f++) {
      offsets[f] = at;
      at += factors.get(f).size();
    }
    this.dimension = at;
  }

  /** A layout with the given blocks, in order (e.g. as read from an influence store). */
  public static SketchLayout of(List<SketchFactor> factors) {
    return new SketchLayout(factors);
  }

  /** An adapted projection: its layer, the rank and the projection's in and out sizes. */
  public record Adapted(int layer, Projection projection, int rank, int in, int out) {}

  /**
   * The default layout for a target dimension {@code k}: each of the F factors gets {@code b =
   * floor(k / F)}; a factor with {@code rows x cols} projects to {@code kOut = min(rows, max(1,
   * isqrt(b)))} and {@code kIn = min(cols, max(1, floor(b / kOut)))}.
   */
  public static SketchLayout defaults(List<Adapted> adapted, int k) {
    int factors = 2 * adapted.size();
    if (factors == 0 || k < factors) {
      throw new IllegalArgumentException(
          "sketch dimension " + k + " is below the number of LoRA matrices " + factors);
    }
    int budget = k / factors;
    int side = (int) Math.sqrt(budget);
    while ((long) (side + 1) * (side + 1) <= budget) {
      side++;
    }
    while ((long) side * side > budget) {
      side--;
    }
    List<SketchFactor> out = new ArrayList<>();
    for (Adapted a : adapted) {
      out.add(factor(a.layer(), a.projection(), 'A', a.rank(), a.in(), budget, side));
      out.add(factor(a.layer(), a.projection(), 'B', a.out(), a.rank(), budget, side));
    }
    return new SketchLayout(out);
  }

  private static SketchFactor factor(
      int layer, Projection p, char m, int rows, int cols, int budget, int side) {
    int kOut = Math.min(rows, Math.max(1, side));
    int kIn = Math.min(cols, Math.max(1, budget / kOut));
    return new SketchFactor(layer, p, m, rows, cols, kOut, kIn);
  }

  public List<SketchFactor> factors() {
    return factors;
  }

  /** Offset of factor {@code f}'s block in the sketch. */
  public int offset(int f) {
    return offsets[f];
  }

  /** Length of the sketch vector. */
  public int dimension() {
    return dimension;
  }
}
