package io.payable.models;

/**
 * One adapted projection's low-rank pair in PEFT layout: {@code a} is [r, in] and {@code b} is
 * [out, r]; the projection computes {@code W x + scaling * B (A x)}.
 */
public record LoraPair(int layer, Projection projection, Tensor a, Tensor b) {

  /** PEFT's saved key of the A or B matrix. */
  public static String key(int layer, Projection p, char ab) {
    return "base_model.model." + p.path(layer) + ".lora_" + ab + ".weight";
  }
}
