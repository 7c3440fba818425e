package io.payable.index.query;

import java.util.List;

/**
 * One shard group's part of a maximal-span query, as {@link ShardedIndex#partialMatch} computes it
 * over the group's shards. {@link SpanMerger} combines the parts of every group into the maximal
 * spans the whole index would give, so shards can be spread over machines.
 *
 * <p>Why this is enough: the longest valid match at a start over the whole index is the maximum of
 * the groups' ({@code lengths}); a group holds the span at that start only if its own length equals
 * the maximum; and a span that is maximal over the whole index is maximal in every group that holds
 * it. So each group describes just its locally maximal spans.
 *
 * @param lengths for every query position, the longest match starting there in this group, cut back
 *     to a valid end (docs/attribution.md, steps 1-2)
 * @param unigramCounts for every query position, occurrences of its token in this group
 * @param totalTokens tokens in this group's shards, separators excluded
 * @param spans this group's locally maximal spans of at least the minimum length, by start
 */
public record PartialMatch(
    int[] lengths, long[] unigramCounts, long totalTokens, List<PartialSpan> spans) {

  public PartialMatch {
    if (lengths.length != unigramCounts.length) {
      throw new IllegalArgumentException("lengths and unigram counts differ in size");
    }
    spans = List.copyOf(spans);
  }

  /** The part of a group without shards: it matches nothing. */
  public static PartialMatch empty(int positions) {
    return new PartialMatch(new int[positions], new long[positions], 0, List.of());
  }
}
