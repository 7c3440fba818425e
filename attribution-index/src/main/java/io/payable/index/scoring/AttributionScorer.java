package io.payable.index.scoring;

import io.payable.index.query.Span;
import io.payable.index.query.SpanDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Attribution v1 (docs/attribution.md): spans to per-contributor shares.
 *
 * <ol>
 *   <li>A span's weight is its information content, {@code -sum ln p(token)}.
 *   <li>The weight is split evenly over the distinct live documents listed for the span; each
 *       document credits its contributor.
 *   <li>Shares are the contributors' weights over the total; shares below the threshold are dropped
 *       and the rest renormalised to sum to 1.
 * </ol>
 */
public final class AttributionScorer {

  private final int thresholdBps;

  /**
   * @param thresholdBps minimum share in basis points (1/10,000) a contributor must reach
   */
  public AttributionScorer(int thresholdBps) {
    if (thresholdBps < 0 || thresholdBps > 10_000) {
      throw new IllegalArgumentException(
          "threshold must be within [0, 10000] bps: " + thresholdBps);
    }
    this.thresholdBps = thresholdBps;
  }

  public int thresholdBps() {
    return thresholdBps;
  }

  /**
   * Scores, highest share first (ties by contributor). Empty when no span has a document or every
   * contributor falls below the threshold: the output is then unattributed.
   *
   * @throws IllegalArgumentException if a span lists fewer documents than it occurs in
   */
  public List<ContributorScore> score(List<Span> spans) {
    return shares(rawWeights(spans));
  }

  /**
   * Section 6's raw weights of spans by contributor address (ascending), before the threshold: each
   * span's weight split evenly over its live documents.
   *
   * @throws IllegalArgumentException if a span lists fewer documents than it occurs in
   */
  public Map<String, Double> rawWeights(List<Span> spans) {
    // Sorted map: the summation order, hence the floating-point result, is deterministic.
    Map<String, Double> raw = new TreeMap<>();
    for (Span span : spans) {
      List<SpanDocument> docs = span.documents();
      // The weight is split over every live document (spec section 6): a list cut short by
      // SpanParams.maxDocuments would credit the listed documents with the others' share.
      if (docs.size() != span.documentCount()) {
        throw new IllegalArgumentException(
            "span at "
                + span.start()
                + " lists "
                + docs.size()
                + " of its "
                + span.documentCount()
                + " documents; score spans found with an unlimited maxDocuments");
      }
      if (docs.isEmpty()) {
        continue;
      }
      double perDocument = span.informationContent() / docs.size();
      for (SpanDocument doc : docs) {
        raw.merge(doc.contributor(), perDocument, Double::sum);
      }
    }
    return raw;
  }

  /**
   * Version 1's section 6 from raw weights by contributor, as attribution v2 (gradient and hybrid)
   * uses it: total in address order, threshold, renormalisation. Highest share first (ties by
   * contributor); empty when the output is unattributed.
   *
   * @throws IllegalArgumentException on a negative or non-finite weight
   */
  public List<ContributorScore> shares(Map<String, Double> rawWeights) {
    Map<String, Double> raw = new TreeMap<>();
    for (Map.Entry<String, Double> e : rawWeights.entrySet()) {
      double w = e.getValue();
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("raw weight of " + e.getKey() + " is " + w);
      }
      raw.put(e.getKey(), w);
    }
    // Plain left-to-right sums in contributor order (not DoubleStream.sum, which compensates):
    // the spec fixes the operation order so every implementation gets the same doubles.
    double total = 0;
    for (double w : raw.values()) {
      total += w;
    }
    if (!(total > 0)) {
      return List.of();
    }
    double threshold = thresholdBps / 10_000.0;
    Map<String, Double> kept = new TreeMap<>();
    for (Map.Entry<String, Double> e : raw.entrySet()) {
      if (e.getValue() / total >= threshold) {
        kept.put(e.getKey(), e.getValue());
      }
    }
    double keptTotal = 0;
    for (double w : kept.values()) {
      keptTotal += w;
    }
    if (!(keptTotal > 0)) {
      return List.of();
    }
    List<ContributorScore> out = new ArrayList<>();
    for (Map.Entry<String, Double> e : kept.entrySet()) {
      out.add(new ContributorScore(e.getKey(), e.getValue(), e.getValue() / keptTotal));
    }
    out.sort(
        Comparator.comparingDouble(ContributorScore::share)
            .reversed()
            .thenComparing(ContributorScore::contributor));
    return out;
  }
}
