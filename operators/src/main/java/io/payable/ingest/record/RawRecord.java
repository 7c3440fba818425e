package io.payable.ingest.record;

/**
 * A record as it came off Kafka, before any parsing: the bytes and where they came from.
 *
 * @param value the record value (may be {@code null} for a tombstone record)
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, byte[] value) {

  public int size() {
    return value == null ? 0 : value.length;
  }
}
