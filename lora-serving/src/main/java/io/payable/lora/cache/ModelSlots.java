package io.payable.lora.cache;

import io.payable.lora.adapter.LoraAdapter;
import io.payable.models.CausalLm;

/** The model's LoRA slot tensors as the cache's device tier. */
public final class ModelSlots implements DeviceSlots {
  private final CausalLm model;

  public ModelSlots(CausalLm model) {
    this.model = model;
  }

  @Override
  public int capacity() {
    return model.slots();
  }

  @Override
  public void write(int slot, LoraAdapter adapter) {
    model.writeSlot(slot, adapter.weights());
  }

  @Override
  public void clear(int slot) {
    model.clearSlot(slot);
  }
}
