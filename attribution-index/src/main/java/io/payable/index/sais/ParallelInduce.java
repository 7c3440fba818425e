package io.payable.index.sais;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The final inducing passes of {@link ByteSais} on two threads. Each pass walks the suffix array in
 * blocks; for every entry, inducing reads the text at a random position (the symbol before the
 * suffix and the one before that, for its type), and those reads are where a pass spends its time.
 * So while this thread places the entries of one block, a helper reads the text for most of the
 * next block and records, per entry, the value it saw, the bucket and the value to place; this
 * thread reads the rest. An entry that this thread wrote into a block after it was read (an induced
 * suffix landing just ahead of the scan) no longer matches the recorded value and is induced from
 * the text directly, so the result is exactly that of the single-thread passes.
 */
final class ParallelInduce {

  /** Texts below this length are induced on one thread: the hand-offs would not pay. */
  static final int MIN_SYMBOLS = 1 << 20;

  /** Entries per block. */
  private static final int BLOCK = 1 << 16;

  /** The helper reads the text for the entries of a block from this offset on. */
  private static final int HELPER_FROM = BLOCK / 3;

  private ParallelInduce() {}

  /** What the text says about the entries of one block, read ahead of the placing. */
  private static final class Block {
    final int[] seen = new int[BLOCK];
    final int[] bucket = new int[BLOCK];
    final int[] value = new int[BLOCK];
  }

  static void induce(byte[] t, int[] sa, int[] c, int[] b, int n, ExecutorService helper) {
    Block[] blocks = {new Block(), new Block()};
    ByteSais.bucketStarts(c, b);
    int j = n - 1;
    int c1 = t[j] & 0xff;
    sa[b[c1]++] = (j > 0 && (t[j - 1] & 0xff) < c1) ? ~j : j;
    int blockCount = (n + BLOCK - 1) / BLOCK;
    Future<?> ahead =
        helper.submit(
            () -> readLeft(t, sa, Math.min(n, HELPER_FROM), Math.min(n, BLOCK), blocks[0]));
    readLeft(t, sa, 0, Math.min(n, HELPER_FROM), blocks[0]);
    for (int x = 0; x < blockCount; x++) {
      int from = x * BLOCK;
      int to = Math.min(n, from + BLOCK);
      await(ahead);
      Block blk = blocks[x & 1];
      int nextFrom = to;
      int nextTo = Math.min(n, to + BLOCK);
      if (nextFrom < n) {
        Block next = blocks[(x + 1) & 1];
        ahead =
            helper.submit(
                () -> readLeft(t, sa, Math.min(nextTo, nextFrom + HELPER_FROM), nextTo, next));
      }
      for (int i = from; i < to; i++) {
        int s = sa[i];
        sa[i] = ~s;
        if (s > 0) {
          int k = i - from;
          if (s == blk.seen[k]) {
            sa[b[blk.bucket[k]]++] = blk.value[k];
          } else {
            j = s - 1;
            int c0 = t[j] & 0xff;
            sa[b[c0]++] = (j > 0 && (t[j - 1] & 0xff) < c0) ? ~j : j;
          }
        }
      }
      if (nextFrom < n) {
        readLeft(t, sa, nextFrom, Math.min(nextTo, nextFrom + HELPER_FROM), blocks[(x + 1) & 1]);
      }
    }

    ByteSais.bucketEnds(c, b);
    // Right to left: block x covers [n - (x + 1) * BLOCK, n - x * BLOCK), read top down.
    int top = n;
    int bottom = Math.max(0, top - BLOCK);
    int fb = bottom;
    ahead = helper.submit(() -> readRight(t, sa, fb, Math.max(fb, n - HELPER_FROM), n, blocks[0]));
    readRight(t, sa, Math.max(fb, n - HELPER_FROM), n, n, blocks[0]);
    for (int x = 0; x < blockCount; x++) {
      await(ahead);
      Block blk = blocks[x & 1];
      int blockTop = top;
      int nextTop = bottom;
      int nextBottom = Math.max(0, nextTop - BLOCK);
      if (nextTop > 0) {
        Block next = blocks[(x + 1) & 1];
        ahead =
            helper.submit(
                () ->
                    readRight(
                        t,
                        sa,
                        nextBottom,
                        Math.max(nextBottom, nextTop - HELPER_FROM),
                        nextTop,
                        next));
      }
      for (int i = blockTop - 1; i >= bottom; i--) {
        int s = sa[i];
        if (s > 0) {
          int k = blockTop - 1 - i;
          if (s == blk.seen[k]) {
            sa[--b[blk.bucket[k]]] = blk.value[k];
          } else {
            j = s - 1;
            int c0 = t[j] & 0xff;
            sa[--b[c0]] = (j == 0 || (t[j - 1] & 0xff) > c0) ? ~j : j;
          }
        } else {
          sa[i] = ~s;
        }
      }
      if (nextTop > 0) {
        readRight(
            t,
            sa,
            Math.max(nextBottom, nextTop - HELPER_FROM),
            nextTop,
            nextTop,
            blocks[(x + 1) & 1]);
      }
      top = nextTop;
      bottom = nextBottom;
    }
  }

  /**
   * Records, for the entries {@code [from, to)} of a left-to-right block starting at {@code from -
   * (from % BLOCK)}, the bucket of the suffix each induces and the value to place there.
   */
  private static void readLeft(byte[] t, int[] sa, int from, int to, Block blk) {
    int base = from - (from % BLOCK);
    for (int i = from; i < to; i++) {
      int s = sa[i];
      // Without branches: an entry that induces nothing reads t[0] and is never used.
      int p = s - 1;
      p &= ~(p >> 31);
      int q = p - 1;
      q &= ~(q >> 31);
      int c0 = t[p] & 0xff;
      int smaller = ((t[q] & 0xff) - c0) >>> 31;
      int k = i - base;
      blk.seen[k] = s;
      blk.bucket[k] = c0;
      blk.value[k] = p ^ -smaller;
    }
  }

  /**
   * As {@link #readLeft} for the entries {@code [from, to)} of the right-to-left block whose top
   * (exclusive) is {@code top}; entry {@code i} goes to slot {@code top - 1 - i}.
   */
  private static void readRight(byte[] t, int[] sa, int from, int to, int top, Block blk) {
    for (int i = to - 1; i >= from; i--) {
      int s = sa[i];
      int p = s - 1;
      p &= ~(p >> 31);
      int q = p - 1;
      q &= ~(q >> 31);
      int c0 = t[p] & 0xff;
      // Induced as S-type (marked) when the suffix before is larger, or at the text start.
      int mark = ((c0 - (t[q] & 0xff)) | (p - 1)) >>> 31;
      int k = top - 1 - i;
      blk.seen[k] = s;
      blk.bucket[k] = c0;
      blk.value[k] = p ^ -mark;
    }
  }

  private static void await(Future<?> ahead) {
    try {
      ahead.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("suffix array build interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("suffix array helper failed", e.getCause());
    }
  }
}
