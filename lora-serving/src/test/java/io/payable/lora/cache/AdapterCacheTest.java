package io.payable.lora.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.AdapterRegistry;
import io.payable.lora.adapter.LoraAdapter;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.SyntheticCheckpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterCacheTest {

  static ModelConfig tiny;
  static final int ADAPTERS = 1000;

  @TempDir static Path dir;
  static AdapterRegistry registry;

  @BeforeAll
  static void writeAdapters() throws Exception {
    tiny =
        SyntheticCheckpoints.writeBase(
            dir.resolve("base"), new SyntheticCheckpoints.Spec(257, 8, 16, 1, 2, 2, 16), 1);
    for (int i = 0; i < ADAPTERS; i++) {
      SyntheticCheckpoints.writeAdapter(
          dir.resolve("adapters/a" + i), tiny, 1, 2, java.util.EnumSet.of(Projection.Q_PROJ), i);
    }
    registry = new AdapterRegistry(dir.resolve("adapters"), tiny, 4);
    assertThat(registry.scan()).isEqualTo(ADAPTERS);
  }

  /** Device tier that records which adapter each slot holds and counts overwrites. */
  static final class RecordingSlots implements DeviceSlots {
    final AtomicReferenceArray<String> owner;
    final AtomicInteger writes = new AtomicInteger();

    RecordingSlots(int n) {
      owner = new AtomicReferenceArray<>(n);
    }

    @Override
    public int capacity() {
      return owner.length();
    }

    @Override
    public void write(int slot, LoraAdapter adapter) {
      owner.set(slot, adapter.id());
      writes.incrementAndGet();
    }

    @Override
    public void clear(int slot) {
      owner.set(slot, null);
    }
  }

  static AdapterCache cache(RecordingSlots slots, int cpu) {
    return new AdapterCache(registry::get, d -> AdapterFiles.load(d, tiny), slots, cpu, 2);
  }

  @Test
  void concurrentStormNeverEvictsAnAdapterInUse() throws Exception {
    RecordingSlots slots = new RecordingSlots(8);
    try (AdapterCache cache = cache(slots, 32)) {
      int threads = 16;
      int perThread = 150;
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        futures.add(
            pool.submit(
                () -> {
                  SplittableRandom rnd = new SplittableRandom(seed);
                  for (int i = 0; i < perThread; i++) {
                    // Skewed: half the traffic on 20 hot adapters, the rest over all 1,000.
                    String id = "a" + (rnd.nextBoolean() ? rnd.nextInt(20) : rnd.nextInt(ADAPTERS));
                    cache.prefetch("a" + rnd.nextInt(ADAPTERS));
                    try (AdapterLease lease = cache.acquire(id, Duration.ofSeconds(30))) {
                      check(slots, lease, id, failures);
                      Thread.sleep(0, rnd.nextInt(500_000));
                      check(slots, lease, id, failures);
                    } catch (Exception e) {
                      failures.add(id + ": " + e);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(failures).isEmpty();
      CacheStats s = cache.stats();
      assertThat(s.deviceHits()).isPositive();
      assertThat(s.deviceMisses()).isPositive();
      assertThat(s.cpuMisses()).isPositive();
      assertThat(s.deviceEvictions()).isPositive();
      assertThat(s.cpuEvictions()).isPositive();
      assertThat(s.deviceHits() + s.deviceMisses()).isEqualTo((long) threads * perThread);
      assertThat(s.cpuResident()).isLessThanOrEqualTo(32);
      assertThat(s.deviceResident()).isLessThanOrEqualTo(8);
      assertThat(cache.status()).allSatisfy(a -> assertThat(a.inUse()).isZero());
    }
  }

  static void check(
      RecordingSlots slots, AdapterLease lease, String id, ConcurrentLinkedQueue<String> f) {
    String owner = slots.owner.get(lease.slot());
    if (!id.equals(owner)) {
      f.add("slot " + lease.slot() + " leased to " + id + " holds " + owner);
    }
  }

  @Test
  void allPinnedGivesAClearErrorAndUnpinRecovers() throws Exception {
    RecordingSlots slots = new RecordingSlots(2);
    try (AdapterCache cache = cache(slots, 4)) {
      cache.pin("a1", Duration.ofSeconds(10));
      cache.pin("a2", Duration.ofSeconds(10));
      cache.load("a3", Duration.ofSeconds(10));
      assertThatThrownBy(() -> cache.tryAcquire("a3"))
          .isInstanceOfSatisfying(
              AdapterCacheException.class,
              e -> assertThat(e.kind()).isEqualTo(AdapterCacheException.Kind.ALL_SLOTS_PINNED))
          .hasMessageContaining("pinned");
      assertThat(cache.residency("a1")).isEqualTo(Residency.DEVICE);
      // Pinned adapters survive CPU pressure.
      for (int i = 10; i < 20; i++) {
        cache.load("a" + i, Duration.ofSeconds(10));
      }
      assertThat(cache.residency("a1")).isEqualTo(Residency.DEVICE);
      assertThatThrownBy(() -> cache.unload("a1")).hasMessageContaining("pinned");
      cache.unpin("a1");
      try (AdapterLease lease = cache.acquire("a3", Duration.ofSeconds(10))) {
        assertThat(slots.owner.get(lease.slot())).isEqualTo("a3");
        assertThatThrownBy(() -> cache.unload("a3")).hasMessageContaining("in use");
      }
      cache.unload("a3");
      assertThat(cache.residency("a3")).isEqualTo(Residency.DISK);
    }
  }

  @Test
  void requestsWaitForSlotsInUseInsteadOfFailing() throws Exception {
    RecordingSlots slots = new RecordingSlots(1);
    try (AdapterCache cache = cache(slots, 3)) {
      AdapterLease held = cache.acquire("a5", Duration.ofSeconds(10));
      cache.load("a6", Duration.ofSeconds(10));
      assertThat(cache.tryAcquire("a6")).isNull();
      Thread releaser =
          new Thread(
              () -> {
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                held.close();
              });
      releaser.start();
      try (AdapterLease lease = cache.acquire("a6", Duration.ofSeconds(10))) {
        assertThat(lease.slot()).isZero();
      }
      releaser.join();
    }
  }

  @Test
  void prefetchLoadsAsynchronouslyAndUnknownIdsFail() throws Exception {
    RecordingSlots slots = new RecordingSlots(2);
    try (AdapterCache cache = cache(slots, 4)) {
      cache.prefetch("a42");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (cache.residency("a42") != Residency.CPU && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(cache.residency("a42")).isEqualTo(Residency.CPU);
      assertThat(cache.stats().prefetches()).isEqualTo(1);
      assertThatThrownBy(() -> cache.tryAcquire("nope"))
          .isInstanceOfSatisfying(
              AdapterCacheException.class,
              e -> assertThat(e.kind()).isEqualTo(AdapterCacheException.Kind.UNKNOWN_ADAPTER));
    }
  }
}
