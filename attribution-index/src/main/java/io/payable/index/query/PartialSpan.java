package io.payable.index.query;

import java.util.List;

/**
 * A span as one shard group sees it.
 *
 * @param rawCount occurrences in the group, tombstoned documents included
 * @param liveCount occurrences in the group's live documents
 * @param overflow the group alone has more than the occurrence limit; documents are not listed
 * @param documents the distinct live documents holding the span, in shard then document order
 */
public record PartialSpan(
    int start,
    int length,
    String text,
    long rawCount,
    long liveCount,
    boolean overflow,
    List<ShardDocument> documents) {

  public PartialSpan {
    documents = List.copyOf(documents);
  }
}
