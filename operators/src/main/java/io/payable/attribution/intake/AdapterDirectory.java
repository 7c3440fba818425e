package io.payable.attribution.intake;

import io.payable.attribution.trace.AdapterInfo;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

/** The registered adapters: owner, Datanets and their treasuries. Opened once per subtask. */
public interface AdapterDirectory extends Serializable {

  default void open() {}

  /** The adapter, or empty if it is not registered (or deactivated). */
  Optional<AdapterInfo> adapter(String adapterId);

  /** A fixed set of adapters, for runs without a chain. */
  static AdapterDirectory fixed(Map<String, AdapterInfo> adapters) {
    Map<String, AdapterInfo> copy = Map.copyOf(adapters);
    return id -> Optional.ofNullable(copy.get(id));
  }
}
