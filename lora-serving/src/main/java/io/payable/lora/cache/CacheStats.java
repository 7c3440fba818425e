package io.payable.lora.cache;

/**
 * Cache counters since start.
 *
 * @param deviceHits acquisitions that found the adapter in a device slot
 * @param deviceMisses acquisitions that had to copy the adapter into a slot
 * @param cpuMisses disk loads started (on demand or prefetch)
 * @param prefetches disk loads started by prefetch
 * @param deviceEvictions slots reassigned to another adapter
 * @param cpuEvictions adapters dropped from the CPU tier
 * @param loadFailures disk loads that failed
 * @param loadNanos total disk load time
 * @param loads completed disk loads
 */
public record CacheStats(
    long deviceHits,
    long deviceMisses,
    long cpuMisses,
    long prefetches,
    long deviceEvictions,
    long cpuEvictions,
    long loadFailures,
    long loadNanos,
    long loads,
    int cpuResident,
    int cpuCapacity,
    int deviceResident,
    int deviceCapacity,
    int pinned) {}
