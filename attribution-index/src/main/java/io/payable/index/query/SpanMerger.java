package io.payable.index.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Combines the {@link PartialMatch}es of all shard groups of an index into its maximal spans,
 * exactly as {@link ShardedIndex#maximalSpans} over all shards at once (property-tested), with the
 * arithmetic of docs/attribution.md done in the same order.
 */
public final class SpanMerger {

  private SpanMerger() {}

  /**
   * @param parts one part per shard group, all of the same query; order does not matter
   */
  public static List<Span> merge(List<PartialMatch> parts, SpanParams params) {
    if (parts.isEmpty()) {
      return List.of();
    }
    int n = parts.get(0).lengths().length;
    int[] best = new int[n];
    long[] unigram = new long[n];
    long totalTokens = 0;
    for (PartialMatch part : parts) {
      if (part.lengths().length != n) {
        throw new IllegalArgumentException("parts of different queries");
      }
      for (int i = 0; i < n; i++) {
        best[i] = Math.max(best[i], part.lengths()[i]);
        unigram[i] += part.unigramCounts()[i];
      }
      totalTokens += part.totalTokens();
    }
    List<Span> spans = new ArrayList<>();
    int maxEnd = 0;
    for (int i = 0; i < n; i++) {
      int length = best[i];
      if (length == 0 || i + length <= maxEnd) {
        continue;
      }
      maxEnd = i + length;
      if (length >= params.minLength()) {
        Span span = combine(parts, i, length, unigram, totalTokens, params);
        if (span != null) {
          spans.add(span);
        }
      }
    }
    return spans;
  }

  private static Span combine(
      List<PartialMatch> parts,
      int start,
      int length,
      long[] unigram,
      long totalTokens,
      SpanParams params) {
    long raw = 0;
    long live = 0;
    String text = null;
    List<ShardDocument> documents = new ArrayList<>();
    for (PartialMatch part : parts) {
      if (part.lengths()[start] != length) {
        continue; // this group does not hold the whole span
      }
      PartialSpan piece = find(part.spans(), start);
      if (piece.overflow()) {
        return null;
      }
      raw += piece.rawCount();
      live += piece.liveCount();
      text = piece.text();
      documents.addAll(piece.documents());
    }
    if (raw == 0 || raw > params.maxOccurrences() || live == 0) {
      return null;
    }
    // Stable: documents of one shard keep their order.
    documents.sort(Comparator.comparing(ShardDocument::shardKey));
    Set<SpanDocument> distinct = new LinkedHashSet<>();
    documents.forEach(d -> distinct.add(d.document()));
    double logProb = 0;
    for (int i = start; i < start + length; i++) {
      // StrictMath: bit-identical on every platform, as attribution scores must be.
      logProb += StrictMath.log((double) unigram[i] / totalTokens);
    }
    List<SpanDocument> listed = distinct.stream().limit(params.maxDocuments()).toList();
    return new Span(start, length, text, live, logProb, distinct.size(), listed);
  }

  private static PartialSpan find(List<PartialSpan> spans, int start) {
    int lo = 0;
    int hi = spans.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int s = spans.get(mid).start();
      if (s == start) {
        return spans.get(mid);
      }
      if (s < start) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    throw new IllegalStateException("a group holding the span at " + start + " did not list it");
  }
}
