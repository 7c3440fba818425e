package io.payable.lora.cache;

import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.InvalidAdapterException;
import io.payable.lora.adapter.LoraAdapter;

/** Reads an adapter's weights from disk into CPU memory. */
@FunctionalInterface
public interface AdapterLoader {
  LoraAdapter load(AdapterDescriptor descriptor) throws InvalidAdapterException;
}
