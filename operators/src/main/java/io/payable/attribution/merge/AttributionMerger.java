package io.payable.attribution.merge;

import io.payable.attribution.intake.AttributionRequest;
import io.payable.attribution.match.GroupMatch;
import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.trace.Attribution;
import io.payable.attribution.trace.EventAttributor;
import io.payable.index.query.PartialMatch;
import io.payable.index.query.Span;
import io.payable.index.query.SpanMerger;
import io.payable.index.scoring.AttributionScorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by event id: collects the parts of every shard group, merges them into the maximal spans of
 * the adapter's whole index, then scores and splits the fee (docs/attribution.md).
 */
public final class AttributionMerger
    extends KeyedProcessFunction<String, GroupMatch, AttributedEvent> {

  private static final long serialVersionUID = 1L;

  private final String protocolTreasury;

  private transient ListState<GroupMatch> parts;
  private transient Counter attributed;
  private transient Counter unattributed;
  private transient Histogram latencyMillis;

  public AttributionMerger(String protocolTreasury) {
    this.protocolTreasury = protocolTreasury;
  }

  @Override
  public void open(OpenContext context) {
    parts =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("group-matches", TypeInformation.of(GroupMatch.class)));
    var metrics = getRuntimeContext().getMetricGroup().addGroup("attribution");
    attributed = metrics.counter("eventsAttributed");
    unattributed = metrics.counter("eventsUnattributed");
    latencyMillis =
        metrics.histogram("eventTimeLatencyMillis", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  public void processElement(GroupMatch part, Context ctx, Collector<AttributedEvent> out)
      throws Exception {
    List<GroupMatch> all = new ArrayList<>();
    parts.get().forEach(all::add);
    all.add(part);
    if (all.size() < part.groups()) {
      parts.add(part);
      return;
    }
    parts.clear();
    Attribution attribution = attribute(part.request(), all);
    long now = System.currentTimeMillis();
    (attribution.attributed() ? attributed : unattributed).inc();
    latencyMillis.update(now - part.request().event().doneTime().toEpochMilli());
    out.collect(new AttributedEvent(part.request(), attribution, now));
  }

  Attribution attribute(AttributionRequest request, List<GroupMatch> all) {
    AttributionParams params = request.params();
    List<PartialMatch> partials = new ArrayList<>(all.size());
    Map<String, Long> tokens = new HashMap<>();
    for (GroupMatch m : all) {
      partials.add(m.partial());
      m.datanetTokens().forEach((d, t) -> tokens.merge(d, t, Long::sum));
    }
    List<Span> spans = SpanMerger.merge(partials, params.spanParams());
    EventAttributor attributor =
        new EventAttributor(
            params.spanParams(),
            new AttributionScorer(params.thresholdBps()),
            new FeeSplitter(params.feeSplit(), protocolTreasury),
            params.epochLengthMillis());
    return attributor.attribute(
        request.event(),
        request.workerOperator(),
        request.adapter(),
        spans,
        request.gradient(),
        params.hybridGradientBps(),
        params.gradientThresholdBps(),
        d -> tokens.getOrDefault(d, 0L));
  }
}
