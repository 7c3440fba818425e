package io.payable.ingest.validate;

import java.io.Serializable;

/**
 * When a contribution counts as redundant data: at least {@code maxCoveredShare} of its tokens are
 * covered by spans of {@code minSpanTokens} or more already in the Datanet's sealed shards.
 *
 * @param indexStore the index store URI the shards are read from; {@code null} disables the check
 */
public record NearDuplicatePolicy(
    String indexStore, double maxCoveredShare, int minSpanTokens, long refreshMillis)
    implements Serializable {

  public static NearDuplicatePolicy disabled() {
    return new NearDuplicatePolicy(null, 1.0, 1, 0);
  }

  public boolean enabled() {
    return indexStore != null && maxCoveredShare <= 1.0 && RedundancyCheck.supports(indexStore);
  }
}
