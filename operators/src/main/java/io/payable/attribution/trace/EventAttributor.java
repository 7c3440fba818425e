package io.payable.attribution.trace;

import io.payable.attribution.gradient.GradientResult;
import io.payable.attribution.gradient.GradientThreshold;
import io.payable.attribution.gradient.HybridMix;
import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.split.Payout;
import io.payable.index.query.ShardedIndex;
import io.payable.index.query.Span;
import io.payable.index.query.SpanParams;
import io.payable.index.scoring.AttributionScorer;
import io.payable.index.scoring.ContributorScore;
import io.payable.wire.inference.InferenceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Attribution v1 of one event, as docs/attribution.md specifies: maximal spans of the output over
 * the index of the adapter's Datanets, contributor scores with the governance threshold, and the
 * exact fee split (to the Datanet treasuries, by size, when nothing is attributed). The library
 * core of the attribution job, without Flink.
 */
public final class EventAttributor {

  /**
   * Most contributors one event pays: the highest shares are kept and renormalised, like the
   * threshold does. It bounds the {@code rewards.attributed} record (about 130 bytes a payout) well
   * under Kafka's 1 MiB, whatever the threshold; with the usual thresholds (1% keeps at most 100)
   * it never applies.
   */
  public static final int MAX_CONTRIBUTORS = 1000;

  private final SpanParams spanParams;
  private final AttributionScorer scorer;
  private final FeeSplitter splitter;
  private final long epochLengthMillis;

  public EventAttributor(
      SpanParams spanParams,
      AttributionScorer scorer,
      FeeSplitter splitter,
      long epochLengthMillis) {
    if (epochLengthMillis <= 0) {
      throw new IllegalArgumentException("epoch length must be positive");
    }
    this.spanParams = spanParams;
    this.scorer = scorer;
    this.splitter = splitter;
    this.epochLengthMillis = epochLengthMillis;
  }

  /**
   * @param index the shards of the adapter's Datanets
   * @param datanetSize live indexed tokens of a Datanet, by Datanet id
   */
  public Attribution attribute(
      InferenceEvent event,
      String workerOperator,
      AdapterInfo adapter,
      ShardedIndex index,
      ToLongFunction<String> datanetSize) {
    return attribute(
        event,
        workerOperator,
        adapter,
        index.maximalSpans(event.outputText(), spanParams),
        datanetSize);
  }

  /**
   * The attribution of an event whose maximal spans are already known (merged from shard groups).
   *
   * @param spans the maximal spans of the output over the adapter's index, with these span params
   * @param datanetSize live indexed tokens of a Datanet, by Datanet id
   */
  public Attribution attribute(
      InferenceEvent event,
      String workerOperator,
      AdapterInfo adapter,
      List<Span> spans,
      ToLongFunction<String> datanetSize) {
    return attribute(event, workerOperator, adapter, spans, null, 0, 0, datanetSize);
  }

  /**
   * The attribution of an event by its adapter's method (docs/attribution.md): spans (version 1),
   * gradient (V2.6: the gradient raw weights, thresholded at {@code gradientThresholdBps}) or
   * hybrid (V2.7: span shares and the thresholded gradient shares mixed with weight {@code
   * hybridGradientBps}), then version 1's threshold, renormalisation, cap and split.
   *
   * @param gradient the gradient part; required for gradient and hybrid adapters
   * @param hybridGradientBps the weight of the gradient shares in a hybrid mix
   * @param gradientThresholdBps gradient shares below this are dropped first (V2.6 step 4)
   */
  public Attribution attribute(
      InferenceEvent event,
      String workerOperator,
      AdapterInfo adapter,
      List<Span> spans,
      GradientResult gradient,
      int hybridGradientBps,
      int gradientThresholdBps,
      ToLongFunction<String> datanetSize) {
    String method = adapter.method();
    if (adapter.usesGradients() && gradient == null) {
      throw new IllegalArgumentException(
          "event " + event.eventId() + " of a " + method + " adapter has no gradient part");
    }
    Map<String, Double> raw =
        switch (method) {
          case AdapterInfo.GRADIENT ->
              GradientThreshold.apply(gradient.rawWeights(), gradientThresholdBps);
          case AdapterInfo.HYBRID ->
              HybridMix.mix(
                  scorer.rawWeights(spans),
                  GradientThreshold.apply(gradient.rawWeights(), gradientThresholdBps),
                  hybridGradientBps);
          default -> scorer.rawWeights(spans);
        };
    List<ContributorScore> scores = capped(scorer.shares(raw), MAX_CONTRIBUTORS);
    Map<String, Long> treasurySizes = new LinkedHashMap<>();
    for (String datanet : adapter.datanetIds()) {
      String treasury = adapter.datanetTreasuries().get(datanet);
      if (treasury != null) {
        treasurySizes.merge(treasury, datanetSize.applyAsLong(datanet), Long::sum);
      }
    }
    List<Payout> payouts =
        splitter.split(event.feeWei(), scores, adapter.owner(), workerOperator, treasurySizes);
    long epoch = Math.floorDiv(event.doneTime().toEpochMilli(), epochLengthMillis);
    return new Attribution(
        event.eventId(),
        epoch,
        method.equals(AdapterInfo.GRADIENT) ? List.of() : spans,
        scores,
        payouts,
        method,
        gradient == null ? List.of() : gradient.influences());
  }

  /**
   * The first {@code max} of {@code scores} (highest share first), renormalised over their raw
   * weights summed left to right in contributor order, as the scorer sums.
   */
  static List<ContributorScore> capped(List<ContributorScore> scores, int max) {
    if (scores.size() <= max) {
      return scores;
    }
    List<ContributorScore> kept = new ArrayList<>(scores.subList(0, max));
    double total = 0;
    for (ContributorScore c :
        kept.stream().sorted(Comparator.comparing(ContributorScore::contributor)).toList()) {
      total += c.rawWeight();
    }
    List<ContributorScore> out = new ArrayList<>(max);
    for (ContributorScore c : kept) {
      out.add(new ContributorScore(c.contributor(), c.rawWeight(), c.rawWeight() / total));
    }
    return out;
  }
}
