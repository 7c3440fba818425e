package io.payable.ingest.validate;

import java.io.Serializable;

/**
 * Tells whether a Datanet exists and is open. Implementations are serializable so a Flink operator
 * can carry one; they may refresh themselves (from the chain) after {@link #open()}.
 */
public interface DatanetDirectory extends Serializable {

  /** Called once per operator instance before the first lookup. */
  default void open() {}

  /** The status of the Datanet with this 0x-hex id. */
  DatanetStatus status(String datanetId);

  default void close() {}
}
