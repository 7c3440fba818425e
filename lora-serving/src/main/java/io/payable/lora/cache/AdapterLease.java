package io.payable.lora.cache;

/**
 * A request's hold on an adapter in a device slot; while any lease is open the adapter is never
 * evicted. Closing is idempotent.
 */
public final class AdapterLease implements AutoCloseable {
  private final AdapterCache cache;
  private final String adapterId;
  private final int slot;
  private boolean closed;

  AdapterLease(AdapterCache cache, String adapterId, int slot) {
    this.cache = cache;
    this.adapterId = adapterId;
    this.slot = slot;
  }

  public String adapterId() {
    return adapterId;
  }

  public int slot() {
    return slot;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    cache.release(adapterId);
  }
}
