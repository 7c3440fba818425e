package io.payable.ingest.curation;

import java.io.Serializable;
import java.util.Optional;

/** Where the ingest job checks a flag outcome: DatanetRegistry's flag of a contribution. */
public interface FlagDirectory extends Serializable {

  /**
   * A contribution's flag as the registry holds it.
   *
   * @param status the registry's FlagStatus: 0 none, 1 pending, 2 disputed, 3 upheld, 4 dismissed
   * @param contributorPenalized whether the flagged contributor's penalty score has reached the
   *     governance threshold (DatanetRegistry.isPenalized)
   */
  record FlagState(
      String datanetId,
      String contributor,
      int status,
      String reasonCode,
      boolean contributorPenalized) {
    public static final int UPHELD = 3;
  }

  default void open() {}

  /** The flag on the contribution; empty when the registry cannot be read. */
  Optional<FlagState> flagOf(String contributionId);

  default void close() {}

  /** No chain: every flag outcome is unverifiable. */
  FlagDirectory NONE = id -> Optional.empty();
}
