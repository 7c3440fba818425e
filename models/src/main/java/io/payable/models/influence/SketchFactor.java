package io.payable.models.influence;

import io.payable.models.LoraPair;
import io.payable.models.Projection;

/**
 * One LoRA matrix of an adapter as a linear map of its own (A: in to r, B: r to out), with the
 * sizes its gradient is projected to. Its gradient {@code rows x cols} is a sum over tokens of
 * {@code out_t in_t^T}; the sketch block is {@code P_out G P_in^T / sqrt(kOut kIn)}, {@code kOut x
 * kIn}, row-major.
 *
 * @param layer decoder layer
 * @param projection adapted projection
 * @param matrix {@code 'A'} or {@code 'B'}
 * @param rows rows of the matrix (output side)
 * @param cols columns of the matrix (input side)
 * @param kOut projected output side
 * @param kIn projected input side
 */
public record SketchFactor(
    int layer, Projection projection, char matrix, int rows, int cols, int kOut, int kIn) {
  public SketchFactor {
    if (matrix != 'A' && matrix != 'B') {
      throw new IllegalArgumentException("matrix must be A or B, got " + matrix);
    }
    if (rows < 1 || cols < 1 || kOut < 1 || kIn < 1 || kOut > rows || kIn > cols) {
      throw new IllegalArgumentException(
          "factor "
              + name()
              + ": need 1 <= kOut <= rows and 1 <= kIn <= cols, got "
              + rows
              + "x"
              + cols
              + " to "
              + kOut
              + "x"
              + kIn);
    }
  }

  /** The PEFT key of the matrix, which also names its projection seeds. */
  public String name() {
    return LoraPair.key(layer, projection, matrix);
  }

  /** Entries of this factor's sketch block. */
  public int size() {
    return kOut * kIn;
  }
}
