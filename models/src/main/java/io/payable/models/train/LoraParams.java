package io.payable.models.train;

import ai.djl.ndarray.NDArray;
import io.payable.models.Projection;

/**
 * The LoRA matrices of one forward pass, on the model's device: per layer and projection A [r, in]
 * and B [out, r] in PEFT's layout, null where the projection is not adapted.
 */
final class LoraParams {
  private final NDArray[][] a;
  private final NDArray[][] b;
  private final double scaling;

  LoraParams(int layers, double scaling) {
    this.a = new NDArray[layers][Projection.values().length];
    this.b = new NDArray[layers][Projection.values().length];
    this.scaling = scaling;
  }

  void set(int layer, Projection p, NDArray aMatrix, NDArray bMatrix) {
    a[layer][p.ordinal()] = aMatrix;
    b[layer][p.ordinal()] = bMatrix;
  }

  NDArray a(int layer, Projection p) {
    return a[layer][p.ordinal()];
  }

  NDArray b(int layer, Projection p) {
    return b[layer][p.ordinal()];
  }

  double scaling() {
    return scaling;
  }
}
