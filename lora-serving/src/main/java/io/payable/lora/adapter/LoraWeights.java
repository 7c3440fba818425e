package io.payable.lora.adapter;

import io.payable.lora.model.Tensor;

/**
 * One target module's low-rank pair in PEFT layout: {@code a} is [r, in], {@code b} is [out, r];
 * the module computes {@code W x + scaling * B (A x)}.
 */
public record LoraWeights(int layer, String module, Tensor a, Tensor b) {}
