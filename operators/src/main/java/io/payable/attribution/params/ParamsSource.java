package io.payable.attribution.params;

import java.io.Serializable;

/** Where the attribution job takes its governance parameters from; opened once per subtask. */
public interface ParamsSource extends Serializable {

  /** The parameters in force now. Implementations cache; this is called once per event. */
  AttributionParams current();

  /** A source of fixed parameters, for runs without a chain. */
  static ParamsSource fixed(AttributionParams params) {
    return () -> params;
  }
}
