package io.payable.lora.model;

import io.payable.lora.adapter.LoraAdapter;
import io.payable.lora.cache.DeviceSlots;

/** The model's LoRA slot tensors as the cache's device tier. */
public final class TransformerSlots implements DeviceSlots {
  private final LoraTransformer model;

  public TransformerSlots(LoraTransformer model) {
    this.model = model;
  }

  @Override
  public int capacity() {
    return model.slots();
  }

  @Override
  public void write(int slot, LoraAdapter adapter) {
    model.writeSlot(slot, adapter);
  }

  @Override
  public void clear(int slot) {
    model.clearSlot(slot);
  }
}
