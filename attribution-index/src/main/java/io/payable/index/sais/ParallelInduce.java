package io.payable.index.sais;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The final inducing passes of {@link ByteSais} on two threads. Each pass walks the suffix array in
 * blocks; for every entry, inducing reads the text at a random position (the symbol the entry
 * induces into and its neighbour, for the type), and those reads are where a pass spends its time.
 * So while this thread places the entries of one block, a helper reads the text for most of the
 * next block and records, per entry, the value it saw and what the text says about it; this thread
 * reads the rest. What is recorded depends on the value alone, so an entry that this thread wrote
 * into a block after it was read (an induced suffix landing just ahead of the scan) is noticed by
 * its changed value and read from the text directly: the result is exactly that of the
 * single-thread passes.
 */
final class ParallelInduce {

  /** Texts below this length are induced on one thread: the hand-offs would not pay. */
  static final int MIN_SYMBOLS = 1 << 20;

  /** Entries per block. */
  private static final int BLOCK = 1 << 16;

  /** The helper reads a block's entries from this slot on; this thread reads the ones before. */
  private static final int HELPER_FROM = BLOCK / 3;

  private ParallelInduce() {}

  /**
   * What the text says about the entries of one block, by slot (the entry's distance from where the
   * pass enters the block): the value read, the bucket symbol, and the value to place or the type
   * bit.
   */
  private static final class Block {
    final int[] seen = new int[BLOCK];
    final int[] bucket = new int[BLOCK];
    final int[] value = new int[BLOCK];
  }

  /** Fills slots {@code [from, to)} of a block whose first slot is entry {@code start}. */
  private interface Reader {
    void read(int start, int from, int to, Block blk);
  }

  /** Places the entries of one block; {@code start} is its first entry in scan order. */
  private interface Placer {
    void place(int start, int len, Block blk);
  }

  /** The final induction: L-type suffixes left to right, then S-type right to left. */
  static void induce(byte[] t, int[] sa, int[] c, int[] b, int n, ExecutorService helper) {
    Block[] blocks = {new Block(), new Block()};
    ByteSais.bucketStarts(c, b);
    int j0 = n - 1;
    int c1 = t[j0] & 0xff;
    sa[b[c1]++] = (j0 > 0 && (t[j0 - 1] & 0xff) < c1) ? ~j0 : j0;
    leftToRight(
        n,
        helper,
        blocks,
        (start, from, to, blk) -> {
          for (int k = from; k < to; k++) {
            int s = sa[start + k];
            // Without branches: an entry that induces nothing reads t[0] and is never used.
            int p = s - 1;
            p &= ~(p >> 31);
            int q = p - 1;
            q &= ~(q >> 31);
            int c0 = t[p] & 0xff;
            int smaller = ((t[q] & 0xff) - c0) >>> 31;
            blk.seen[k] = s;
            blk.bucket[k] = c0;
            blk.value[k] = p ^ -smaller;
          }
        },
        (start, len, blk) -> {
          for (int k = 0; k < len; k++) {
            int i = start + k;
            int s = sa[i];
            sa[i] = ~s;
            if (s > 0) {
              if (s == blk.seen[k]) {
                sa[b[blk.bucket[k]]++] = blk.value[k];
              } else {
                int j = s - 1;
                int c0 = t[j] & 0xff;
                sa[b[c0]++] = (j > 0 && (t[j - 1] & 0xff) < c0) ? ~j : j;
              }
            }
          }
        });
    ByteSais.bucketEnds(c, b);
    rightToLeft(
        n,
        helper,
        blocks,
        (start, from, to, blk) -> {
          for (int k = from; k < to; k++) {
            int s = sa[start - k];
            int p = s - 1;
            p &= ~(p >> 31);
            int q = p - 1;
            q &= ~(q >> 31);
            int c0 = t[p] & 0xff;
            // Induced as S-type (marked) when the suffix before is larger, or at the text start.
            int mark = ((c0 - (t[q] & 0xff)) | (p - 1)) >>> 31;
            blk.seen[k] = s;
            blk.bucket[k] = c0;
            blk.value[k] = p ^ -mark;
          }
        },
        (start, len, blk) -> {
          for (int k = 0; k < len; k++) {
            int i = start - k;
            int s = sa[i];
            if (s > 0) {
              if (s == blk.seen[k]) {
                sa[--b[blk.bucket[k]]] = blk.value[k];
              } else {
                int j = s - 1;
                int c0 = t[j] & 0xff;
                sa[--b[c0]] = (j == 0 || (t[j - 1] & 0xff) > c0) ? ~j : j;
              }
            } else {
              sa[i] = ~s;
            }
          }
        });
  }

  /** Runs a left-to-right pass over {@code [0, n)} in blocks, reading one block ahead. */
  private static void leftToRight(
      int n, ExecutorService helper, Block[] blocks, Reader reader, Placer placer) {
    int count = (n + BLOCK - 1) / BLOCK;
    Future<?> ahead = readAhead(helper, reader, 0, Math.min(n, BLOCK), blocks[0]);
    reader.read(0, 0, Math.min(n, HELPER_FROM), blocks[0]);
    for (int x = 0; x < count; x++) {
      int start = x * BLOCK;
      int len = Math.min(BLOCK, n - start);
      await(ahead);
      int next = start + len;
      int nextLen = Math.min(BLOCK, n - next);
      Block nextBlock = blocks[(x + 1) & 1];
      ahead = nextLen > 0 ? readAhead(helper, reader, next, nextLen, nextBlock) : null;
      placer.place(start, len, blocks[x & 1]);
      if (nextLen > 0) {
        reader.read(next, 0, Math.min(nextLen, HELPER_FROM), nextBlock);
      }
    }
  }

  /** Runs a right-to-left pass over {@code [0, n)} in blocks, reading one block ahead. */
  private static void rightToLeft(
      int n, ExecutorService helper, Block[] blocks, Reader reader, Placer placer) {
    int count = (n + BLOCK - 1) / BLOCK;
    Future<?> ahead = readAhead(helper, reader, n - 1, Math.min(n, BLOCK), blocks[0]);
    reader.read(n - 1, 0, Math.min(n, HELPER_FROM), blocks[0]);
    for (int x = 0; x < count; x++) {
      int start = n - 1 - x * BLOCK;
      int len = Math.min(BLOCK, start + 1);
      await(ahead);
      int next = start - len;
      int nextLen = Math.min(BLOCK, next + 1);
      Block nextBlock = blocks[(x + 1) & 1];
      ahead = nextLen > 0 ? readAhead(helper, reader, next, nextLen, nextBlock) : null;
      placer.place(start, len, blocks[x & 1]);
      if (nextLen > 0) {
        reader.read(next, 0, Math.min(nextLen, HELPER_FROM), nextBlock);
      }
    }
  }

  /** The helper's share of a block: its slots from {@link #HELPER_FROM} on. */
  private static Future<?> readAhead(
      ExecutorService helper, Reader reader, int start, int len, Block blk) {
    return helper.submit(() -> reader.read(start, Math.min(len, HELPER_FROM), len, blk));
  }

  private static void await(Future<?> ahead) {
    if (ahead == null) {
      return;
    }
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
