package io.payable.lora.cache;

/**
 * Residency of one adapter, as reported by the API and metrics.
 *
 * @param slot device slot or -1
 * @param inUse requests currently holding the adapter
 */
public record AdapterStatus(
    String id,
    String version,
    Residency residency,
    int slot,
    int inUse,
    boolean pinned,
    long bytes) {}
