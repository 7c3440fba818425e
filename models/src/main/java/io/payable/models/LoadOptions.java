package io.payable.models;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * How to load a base model.
 *
 * @param device where weights live and steps run
 * @param dtype weight and activation type: FLOAT32 (exact, the CPU default) or FLOAT16 on a GPU;
 *     norms and softmax are computed in FLOAT32 either way
 * @param slots LoRA slots: adapters resident at once
 * @param maxRank slot width, the largest rank an adapter may have
 */
public record LoadOptions(Device device, DataType dtype, int slots, int maxRank) {

  public LoadOptions {
    if (dtype != DataType.FLOAT32 && dtype != DataType.BFLOAT16 && dtype != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          "dtype must be float32, bfloat16 or float16, got " + dtype);
    }
    if (slots < 0 || maxRank <= 0) {
      throw new IllegalArgumentException("slots must be >= 0 and maxRank > 0");
    }
  }

  /** FLOAT32 on the CPU. */
  public static LoadOptions cpu(int slots, int maxRank) {
    return new LoadOptions(Device.cpu(), DataType.FLOAT32, slots, maxRank);
  }
}
