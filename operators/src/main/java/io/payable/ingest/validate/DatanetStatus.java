package io.payable.ingest.validate;

/** Whether a Datanet takes contributions. */
public enum DatanetStatus {
  OPEN,
  CLOSED,
  UNKNOWN
}
