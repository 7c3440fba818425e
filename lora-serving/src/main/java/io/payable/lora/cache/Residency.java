package io.payable.lora.cache;

/** Where an adapter currently is, from slowest to fastest tier. */
public enum Residency {
  DISK,
  LOADING,
  CPU,
  DEVICE
}
