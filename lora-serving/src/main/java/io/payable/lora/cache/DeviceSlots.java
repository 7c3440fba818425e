package io.payable.lora.cache;

import io.payable.lora.adapter.LoraAdapter;

/** The device tier: a fixed number of adapter slots the batched model reads from. */
public interface DeviceSlots {
  int capacity();

  void write(int slot, LoraAdapter adapter);

  void clear(int slot);
}
