package io.payable.factory.dataset;

import java.util.Objects;

/**
 * A contribution as a training run reads it from {@code datanet_contributions} at a snapshot.
 *
 * @param contentHash 0x-hex keccak-256 of the content, the leaf of the training-set tree
 * @param content the text; {@code null} for rows ingested before the table stored it
 */
public record Contribution(
    String contributionId,
    String datanetId,
    String contributor,
    String contentHash,
    String content) {

  public Contribution {
    Objects.requireNonNull(contributionId, "contributionId");
    Objects.requireNonNull(datanetId, "datanetId");
    Objects.requireNonNull(contentHash, "contentHash");
  }
}
