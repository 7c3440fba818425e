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
  private NDArray[][] inputs;
  private NDArray[][] probes;

  LoraParams(int layers, double scaling) {
    this.a = new NDArray[layers][Projection.values().length];
    this.b = new NDArray[layers][Projection.values().length];
    this.scaling = scaling;
  }

  /**
   * Records each adapted projection's input and adds a zero gradient leaf (a probe) to its output
   * in the next forward pass, so that after backward the probe's gradient is the gradient of the
   * loss with respect to the projection's output: what gradient sketches are computed from.
   */
  void tap() {
    this.inputs = new NDArray[a.length][Projection.values().length];
    this.probes = new NDArray[a.length][Projection.values().length];
  }

  boolean tapped() {
    return probes != null;
  }

  void record(int layer, Projection p, NDArray input, NDArray probe) {
    inputs[layer][p.ordinal()] = input;
    probes[layer][p.ordinal()] = probe;
  }

  NDArray input(int layer, Projection p) {
    return inputs[layer][p.ordinal()];
  }

  NDArray probe(int layer, Projection p) {
    return probes[layer][p.ordinal()];
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
