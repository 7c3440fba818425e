package io.payable.index.shard;

import java.util.Objects;

/**
 * One document of a shard: who contributed it, to which Datanet, and where its symbols lie.
 *
 * @param docId contribution id, unique across the index
 * @param datanet Datanet id
 * @param contributor contributor address
 * @param symbolOffset position of the document's first symbol in the shard
 * @param length number of token symbols, not counting the trailing separator
 * @param contentHash hex SHA-256 of the document's UTF-8 text
 */
public record DocumentRecord(
    String docId,
    String datanet,
    String contributor,
    long symbolOffset,
    int length,
    String contentHash) {

  public DocumentRecord {
    Objects.requireNonNull(docId, "docId");
    Objects.requireNonNull(datanet, "datanet");
    Objects.requireNonNull(contributor, "contributor");
    Objects.requireNonNull(contentHash, "contentHash");
    if (symbolOffset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length for " + docId);
    }
  }
}
