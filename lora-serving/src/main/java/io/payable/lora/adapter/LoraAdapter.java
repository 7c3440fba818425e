package io.payable.lora.adapter;

import java.util.List;

/**
 * A loaded adapter in CPU memory.
 *
 * @param id adapter id (directory name; the {@code model} of a completion request)
 * @param version revision from the config, or a content hash
 * @param rank LoRA rank r
 * @param scaling PEFT scaling ({@code alpha / r})
 * @param modules the low-rank pairs, one per (layer, target module)
 */
public record LoraAdapter(
    String id, String version, int rank, float scaling, List<LoraWeights> modules) {

  public LoraAdapter {
    modules = List.copyOf(modules);
  }

  /** Heap bytes of the weights. */
  public long bytes() {
    long n = 0;
    for (LoraWeights w : modules) {
      n += w.a().bytes() + w.b().bytes();
    }
    return n;
  }
}
