package io.payable.attribution.intake;

import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

/**
 * The registered workers: which signing keys may emit inference events, and the operator each
 * worker's share of a fee is paid to. Opened once per subtask.
 */
public interface WorkerDirectory extends Serializable {

  default void open() {}

  /** The operator of an active worker, or empty if the signer is not a registered worker. */
  Optional<String> operatorOf(String worker);

  /** A fixed set of workers (lower-case addresses to their operators), for runs without a chain. */
  static WorkerDirectory fixed(Map<String, String> operators) {
    Map<String, String> copy = Map.copyOf(operators);
    return worker -> Optional.ofNullable(copy.get(worker));
  }
}
