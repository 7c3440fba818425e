package io.payable.lora.model;

import java.util.Arrays;

/** A dense row-major float tensor on the Java heap (the CPU tier's representation). */
public record Tensor(long[] shape, float[] data) {
  public Tensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
  }

  public int rows() {
    return (int) shape[0];
  }

  public int cols() {
    return (int) shape[1];
  }

  public long bytes() {
    return 4L * data.length;
  }
}
