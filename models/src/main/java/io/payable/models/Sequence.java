package io.payable.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The key/value cache of one sequence: per layer [kv_heads, tokens, head_dim], after rotary
 * embedding. Owns its arrays through its own manager; closing it frees them.
 */
public final class Sequence implements AutoCloseable {
  final NDManager manager;
  final NDArray[] keys;
  final NDArray[] values;
  int length;

  Sequence(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Tokens already in the cache: the position of the next token. */
  public int length() {
    return length;
  }

  @Override
  public void close() {
    manager.close();
  }
}
