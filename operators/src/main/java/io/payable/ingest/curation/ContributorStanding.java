package io.payable.ingest.curation;

import java.io.Serializable;
import java.util.Optional;

/** Whether a contributor may contribute to a Datanet now (DatanetRegistry's curation state). */
public interface ContributorStanding extends Serializable {

  /** Why a contributor may not contribute; {@link #OK} when they may. */
  enum Standing {
    OK,
    /** Their penalty score reached the governance threshold. */
    PENALIZED,
    /** They have less OPEN staked than the Datanet requires. */
    INSUFFICIENT_STAKE
  }

  default void open() {}

  /** Their standing; empty when it cannot be read (the submission is then let through). */
  Optional<Standing> standing(String datanetId, String contributor);

  default void close() {}
}
