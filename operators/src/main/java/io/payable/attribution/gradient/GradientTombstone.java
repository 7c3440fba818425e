package io.payable.attribution.gradient;

import io.payable.ingest.shard.ShardManifestEvent;
import java.util.Locale;

/**
 * A contribution (withdrawn or flag upheld) or a contributor (penalised) that earns no gradient
 * credit for events from {@code effectiveAt} on: an {@code index.manifest} {@code tombstoned} or
 * {@code penalized} event as the gradient scorer keeps it (docs/attribution.md, V2.6 step 3).
 *
 * @param key {@code contribution:<id>} or {@code contributor:<lower-case address>}
 * @param effectiveAt epoch millis from which the tombstone applies (event done time)
 */
public record GradientTombstone(String key, long effectiveAt) implements ScorerBroadcast {
  static final String CONTRIBUTION = "contribution:";
  static final String CONTRIBUTOR = "contributor:";

  public static GradientTombstone contribution(String contributionId, long effectiveAt) {
    return new GradientTombstone(CONTRIBUTION + contributionId, effectiveAt);
  }

  public static GradientTombstone contributor(String contributor, long effectiveAt) {
    return new GradientTombstone(CONTRIBUTOR + contributor.toLowerCase(Locale.ROOT), effectiveAt);
  }

  /** The tombstone a manifest event carries, or null for a shard event. */
  public static GradientTombstone of(ShardManifestEvent event) {
    if (event.isPenalty()) {
      return contributor(event.contributor(), event.effectiveAt());
    }
    if (event.isTombstone()) {
      return contribution(event.contributionId(), event.effectiveAt());
    }
    return null;
  }
}
