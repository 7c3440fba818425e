package io.payable.factory.dataset;

/**
 * An Iceberg table read as of one snapshot (time travel), so the run's input is exactly known.
 *
 * @param table the table name, e.g. {@code payable.datanet_contributions}
 * @param snapshotId the snapshot read
 */
public record SnapshotPin(String table, long snapshotId) {}
