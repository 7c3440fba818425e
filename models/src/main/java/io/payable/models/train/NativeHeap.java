package io.payable.models.train;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the memory of PyTorch's CPU temporaries in the process for reuse. PyTorch allocates CPU
 * tensors with glibc's {@code malloc}; a training step churns through hundreds of megabytes of
 * output-head blocks, which glibc by default either maps afresh (blocks above its mmap threshold)
 * or hands back to the kernel when the top of the heap is free (its trim threshold), so every step
 * page-faulted them in again: about a third of a step's CPU time was the kernel zeroing pages. With
 * the mmap threshold at its maximum (32 MiB, blocks stay below it) and a trim threshold of 1 GiB,
 * freed blocks are reused as they are. The process keeps its peak heap until it exits, which suits
 * a process that trains.
 */
final class NativeHeap {
  private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);

  /** glibc's largest mmap threshold on 64-bit; output-head blocks are sized below it. */
  static final long MMAP_THRESHOLD = 32L << 20;

  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_THRESHOLD = -3;
  private static final int TRIM_THRESHOLD = 1 << 30;
  private static final AtomicBoolean TUNED = new AtomicBoolean();

  private NativeHeap() {}

  /** Tunes glibc once per process; a no-op elsewhere (the training is the same, only slower). */
  static void retainFreedMemory() {
    if (!TUNED.compareAndSet(false, true)
        || !Platform.isLinux()
        || Boolean.getBoolean("payable.train.default-malloc")) {
      return;
    }
    try {
      Function mallopt = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("mallopt");
      int mmap = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, (int) MMAP_THRESHOLD});
      int trim = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD});
      LOG.debug("mallopt mmap threshold: {}, trim threshold: {}", mmap == 1, trim == 1);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      LOG.debug("mallopt unavailable: {}", e.toString());
    }
  }
}
