package io.payable.factory.run;

import java.util.Locale;

/** Where a run is; the HTTP API and the CLI report it by {@link #code()}. */
public enum RunPhase {
  QUEUED,
  BUILDING_DATASET,
  TRAINING,
  RECORDING,
  REGISTERING,
  COMPLETED,
  FAILED,
  CANCELLED;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
