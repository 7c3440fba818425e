package io.payable.lora.adapter;

import io.payable.models.PeftAdapter;

/**
 * A loaded adapter in CPU memory.
 *
 * @param id adapter id (directory name; the {@code model} of a completion request)
 * @param version revision from the config, or the rank
 * @param weights the PEFT adapter, checked against the base model
 */
public record LoraAdapter(String id, String version, PeftAdapter weights) {

  public int rank() {
    return weights.rank();
  }

  /** Heap bytes of the weights. */
  public long bytes() {
    return weights.bytes();
  }
}
