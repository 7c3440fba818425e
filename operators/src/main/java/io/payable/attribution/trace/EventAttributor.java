package io.payable.attribution.trace;

import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.split.Payout;
import io.payable.index.query.ShardedIndex;
import io.payable.index.query.Span;
import io.payable.index.query.SpanParams;
import io.payable.index.scoring.AttributionScorer;
import io.payable.index.scoring.ContributorScore;
import io.payable.wire.inference.InferenceEvent;
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
    List<ContributorScore> scores = scorer.score(spans);
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
    return new Attribution(event.eventId(), epoch, spans, scores, payouts);
  }
}
