package io.payable.models;

import java.util.Arrays;

/** A dense row-major float tensor on the Java heap, as read from or written to safetensors. */
public record Tensor(long[] shape, float[] data) {
  public Tensor {
    if (elements(shape) != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
  }

  public static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  public int rows() {
    return (int) shape[0];
  }

  public int cols() {
    return (int) shape[1];
  }
}
