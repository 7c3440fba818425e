package io.payable.models.train;

import java.util.SplittableRandom;

/**
 * The order a run consumes its training sequences: epoch after epoch, each a permutation of all
 * sequences shuffled from the run's seed and the epoch number. A position in the stream maps to the
 * same sequence in every process, so a resumed run needs only its step to continue the same order.
 */
final class DataOrder {
  private final int size;
  private final long seed;
  private int epoch = -1;
  private int[] permutation;

  DataOrder(int size, long seed) {
    if (size <= 0) {
      throw new IllegalArgumentException("the training set is empty");
    }
    this.size = size;
    this.seed = seed;
  }

  /** The index of the sequence at stream position {@code position}. */
  int at(long position) {
    int e = (int) (position / size);
    if (e != epoch) {
      permutation = shuffle(e);
      epoch = e;
    }
    return permutation[(int) (position % size)];
  }

  private int[] shuffle(int e) {
    int[] p = new int[size];
    for (int i = 0; i < size; i++) {
      p[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e);
    for (int i = size - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
