package io.payable.index.shard;

/** A read-only array of non-negative ints, shared by any number of threads. */
public interface IntArrayView {

  /** Number of values. */
  long length();

  /** Value at {@code index}. */
  int get(long index);
}
