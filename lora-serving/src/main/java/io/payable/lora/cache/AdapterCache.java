package io.payable.lora.cache;

import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.LoraAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three-tier adapter cache: disk, a CPU tier of at most N loaded adapters (LRU), and M device slots
 * (LRU).
 *
 * <p>Invariants, all guarded by this object's monitor:
 *
 * <ul>
 *   <li>An adapter with open leases (in use) is never evicted from its slot or from the CPU tier.
 *   <li>A pinned adapter stays in its slot and in the CPU tier until unpinned.
 *   <li>A request fails for lack of space only when every slot is pinned; when slots are merely in
 *       use it waits, because a slot frees as soon as a request finishes.
 *   <li>The CPU tier holds more entries than there are slots, so a completed disk load always finds
 *       room (in-use adapters occupy at most M of the N entries).
 * </ul>
 *
 * Disk loads run on a small executor so the scheduler thread never blocks on I/O; the scheduler
 * calls {@link #prefetch} for requests still waiting in its queue.
 */
public final class AdapterCache implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdapterCache.class);

  private final Function<String, AdapterDescriptor> registry;
  private final AdapterLoader loader;
  private final DeviceSlots slots;
  private final int cpuCapacity;
  private final ExecutorService io;
  private final Map<String, Entry> entries = new HashMap<>();
  private final String[] slotOwner;
  private final long[] slotLastUse;
  private long clock;
  private long deviceHits;
  private long deviceMisses;
  private long cpuMisses;
  private long prefetches;
  private long deviceEvictions;
  private long cpuEvictions;
  private long loadFailures;
  private long loadNanos;
  private long loads;

  private static final class Entry {
    final AdapterDescriptor descriptor;
    LoraAdapter weights;
    CompletableFuture<LoraAdapter> loading;
    String loadError;
    int slot = -1;
    int refs;
    boolean pinned;
    long lastUse;

    Entry(AdapterDescriptor descriptor) {
      this.descriptor = descriptor;
    }
  }

  /**
   * @param registry adapter id to descriptor, null for an unknown id
   * @param cpuCapacity N, must exceed the number of device slots
   * @param loaderThreads threads for disk loads
   */
  public AdapterCache(
      Function<String, AdapterDescriptor> registry,
      AdapterLoader loader,
      DeviceSlots slots,
      int cpuCapacity,
      int loaderThreads) {
    if (cpuCapacity <= slots.capacity()) {
      throw new IllegalArgumentException(
          "CPU tier ("
              + cpuCapacity
              + ") must be larger than the device slots ("
              + slots.capacity()
              + ")");
    }
    this.registry = registry;
    this.loader = loader;
    this.slots = slots;
    this.cpuCapacity = cpuCapacity;
    this.slotOwner = new String[slots.capacity()];
    this.slotLastUse = new long[slots.capacity()];
    this.io =
        Executors.newFixedThreadPool(
            loaderThreads,
            r -> {
              Thread t = new Thread(r, "adapter-loader");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Leases the adapter in a device slot if that is possible now; otherwise starts what is needed (a
   * disk load) and returns null so the caller can retry on a later step.
   *
   * @throws AdapterCacheException for an unknown adapter, a failed load, or all slots pinned
   */
  public synchronized AdapterLease tryAcquire(String id) {
    Entry e = entry(id);
    if (e.slot >= 0) {
      deviceHits++;
      return lease(e);
    }
    if (e.weights == null) {
      if (e.loadError != null) {
        String err = e.loadError;
        e.loadError = null; // a later request may retry, e.g. after the files were fixed
        throw new AdapterCacheException(AdapterCacheException.Kind.LOAD_FAILED, err);
      }
      startLoad(e, false);
      return null;
    }
    int slot = freeSlot();
    if (slot < 0) {
      return null;
    }
    deviceMisses++;
    place(e, slot);
    return lease(e);
  }

  /** Blocks until the adapter is leased or the timeout passes. */
  public AdapterLease acquire(String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        AdapterLease lease = tryAcquire(id);
        if (lease != null) {
          return lease;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AdapterCacheException(
              AdapterCacheException.Kind.TIMEOUT, "timed out waiting for adapter " + id);
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** Starts a disk load if the adapter is not in memory; never blocks. */
  public synchronized void prefetch(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      AdapterDescriptor d = registry.apply(id);
      if (d == null) {
        return;
      }
      e = new Entry(d);
      entries.put(id, e);
    }
    if (e.weights == null && e.loading == null && e.loadError == null) {
      startLoad(e, true);
    }
  }

  /** Loads into the CPU tier and waits for it. */
  public void load(String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      Entry e = entry(id);
      while (e.weights == null) {
        if (e.loadError != null) {
          String err = e.loadError;
          e.loadError = null;
          throw new AdapterCacheException(AdapterCacheException.Kind.LOAD_FAILED, err);
        }
        if (e.loading == null) {
          startLoad(e, false);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AdapterCacheException(
              AdapterCacheException.Kind.TIMEOUT, "timed out loading adapter " + id);
        }
        wait(Math.max(1, left / 1_000_000));
      }
      touch(e);
    }
  }

  /** Loads the adapter into a slot and keeps it there until {@link #unpin}. */
  public void pin(String id, Duration timeout) throws InterruptedException {
    try (AdapterLease lease = acquire(id, timeout)) {
      synchronized (this) {
        entries.get(id).pinned = true;
      }
    }
  }

  public synchronized void unpin(String id) {
    Entry e = entry(id);
    e.pinned = false;
    notifyAll();
  }

  /** Drops the adapter from every tier; refused while it is in use or pinned. */
  public synchronized void unload(String id) {
    Entry e = entry(id);
    if (e.refs > 0) {
      throw new AdapterCacheException(
          AdapterCacheException.Kind.IN_USE,
          "adapter " + id + " is in use by " + e.refs + " request(s)");
    }
    if (e.pinned) {
      throw new AdapterCacheException(
          AdapterCacheException.Kind.PINNED, "adapter " + id + " is pinned; unpin it first");
    }
    if (e.slot >= 0) {
      slots.clear(e.slot);
      slotOwner[e.slot] = null;
      e.slot = -1;
    }
    e.weights = null;
    notifyAll();
  }

  synchronized void release(String id) {
    Entry e = entries.get(id);
    if (e.refs <= 0) {
      throw new IllegalStateException("lease released twice for " + id);
    }
    e.refs--;
    notifyAll();
  }

  /** Version of a registered adapter, empty when unknown. */
  public String version(String id) {
    AdapterDescriptor d = registry.apply(id);
    return d == null ? "" : d.version();
  }

  public synchronized Residency residency(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      return Residency.DISK;
    }
    return e.slot >= 0
        ? Residency.DEVICE
        : e.weights != null
            ? Residency.CPU
            : e.loading != null ? Residency.LOADING : Residency.DISK;
  }

  /** Status of every adapter that has left the disk tier at least once. */
  public synchronized List<AdapterStatus> status() {
    List<AdapterStatus> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      out.add(
          new AdapterStatus(
              e.descriptor.id(),
              e.descriptor.version(),
              residency(e.descriptor.id()),
              e.slot,
              e.refs,
              e.pinned,
              e.descriptor.weightBytes()));
    }
    out.sort(Comparator.comparing(AdapterStatus::id));
    return out;
  }

  public synchronized CacheStats stats() {
    int cpu = 0;
    int pinned = 0;
    for (Entry e : entries.values()) {
      cpu += e.weights != null ? 1 : 0;
      pinned += e.pinned ? 1 : 0;
    }
    int device = 0;
    for (String o : slotOwner) {
      device += o != null ? 1 : 0;
    }
    return new CacheStats(
        deviceHits,
        deviceMisses,
        cpuMisses,
        prefetches,
        deviceEvictions,
        cpuEvictions,
        loadFailures,
        loadNanos,
        loads,
        cpu,
        cpuCapacity,
        device,
        slotOwner.length,
        pinned);
  }

  private Entry entry(String id) {
    Entry e = entries.get(id);
    if (e == null) {
      AdapterDescriptor d = registry.apply(id);
      if (d == null) {
        throw new AdapterCacheException(
            AdapterCacheException.Kind.UNKNOWN_ADAPTER, "unknown adapter " + id);
      }
      e = new Entry(d);
      entries.put(id, e);
    }
    return e;
  }

  private AdapterLease lease(Entry e) {
    e.refs++;
    touch(e);
    slotLastUse[e.slot] = e.lastUse;
    return new AdapterLease(this, e.descriptor.id(), e.slot);
  }

  private void touch(Entry e) {
    e.lastUse = ++clock;
  }

  /** A free slot, or the least recently used slot whose adapter is neither in use nor pinned. */
  private int freeSlot() {
    int victim = -1;
    boolean allPinned = true;
    for (int s = 0; s < slotOwner.length; s++) {
      if (slotOwner[s] == null) {
        return s;
      }
      Entry owner = entries.get(slotOwner[s]);
      allPinned &= owner.pinned;
      if (owner.refs == 0 && !owner.pinned) {
        if (victim < 0 || slotLastUse[s] < slotLastUse[victim]) {
          victim = s;
        }
      }
    }
    if (allPinned) {
      throw new AdapterCacheException(
          AdapterCacheException.Kind.ALL_SLOTS_PINNED,
          "all "
              + slotOwner.length
              + " device slots hold pinned adapters; unpin one or start the worker with more"
              + " slots");
    }
    if (victim >= 0) {
      Entry old = entries.get(slotOwner[victim]);
      old.slot = -1;
      slotOwner[victim] = null;
      deviceEvictions++;
      LOG.debug("evicted adapter {} from slot {}", old.descriptor.id(), victim);
    }
    return victim;
  }

  private void place(Entry e, int slot) {
    slots.write(slot, e.weights);
    slotOwner[slot] = e.descriptor.id();
    e.slot = slot;
  }

  private void startLoad(Entry e, boolean prefetch) {
    if (e.loading != null) {
      return;
    }
    cpuMisses++;
    if (prefetch) {
      prefetches++;
    }
    AdapterDescriptor d = e.descriptor;
    e.loading =
        CompletableFuture.supplyAsync(
            () -> {
              long t0 = System.nanoTime();
              try {
                LoraAdapter a = loader.load(d);
                loaded(e, a, null, System.nanoTime() - t0);
                return a;
              } catch (Exception | LinkageError ex) {
                LOG.warn("loading adapter {} failed: {}", d.id(), ex.getMessage());
                loaded(e, null, String.valueOf(ex.getMessage()), System.nanoTime() - t0);
                return null;
              }
            },
            io);
  }

  private synchronized void loaded(Entry e, LoraAdapter a, String error, long nanos) {
    e.loading = null;
    loadNanos += nanos;
    if (a == null) {
      loadFailures++;
      e.loadError = error;
    } else {
      loads++;
      makeCpuRoom();
      e.weights = a;
      touch(e);
    }
    notifyAll();
  }

  /** Evicts least recently used CPU entries that are neither in use nor pinned. */
  private void makeCpuRoom() {
    int resident = 0;
    for (Entry x : entries.values()) {
      resident += x.weights != null ? 1 : 0;
    }
    while (resident >= cpuCapacity) {
      Entry victim = null;
      for (Entry x : entries.values()) {
        if (x.weights != null && x.refs == 0 && !x.pinned && x.slot < 0) {
          if (victim == null || x.lastUse < victim.lastUse) {
            victim = x;
          }
        }
      }
      if (victim == null) {
        // Only adapters in slots remain: dropping the CPU copy of an idle slotted one is safe.
        for (Entry x : entries.values()) {
          if (x.weights != null && x.refs == 0 && !x.pinned) {
            if (victim == null || x.lastUse < victim.lastUse) {
              victim = x;
            }
          }
        }
      }
      if (victim == null) {
        // Every CPU entry is in use or pinned; exceed the bound by one rather than fail.
        LOG.warn("CPU adapter tier over capacity: every resident adapter is in use or pinned");
        return;
      }
      victim.weights = null;
      cpuEvictions++;
      resident--;
    }
  }

  @Override
  public void close() {
    io.shutdownNow();
  }
}
