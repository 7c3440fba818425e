package io.payable.ingest.curation;

import io.payable.ingest.record.AcceptedContribution;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The stateful checks of curation, keyed by Datanet: remembers who contributed each accepted
 * contribution (first input, from the shard builder) and which were tombstoned, and turns a checked
 * withdrawal or upheld flag (second input) into a {@link ContributionEvent} effective now, or a
 * reasoned rejection: {@code unknown_contribution} (not accepted, or not yet: the contributor
 * retries), {@code not_contribution_owner} (someone else's contribution), {@code already_withdrawn}
 * (a replayed or repeated withdrawal) and {@code already_tombstoned}. State is keyed and
 * checkpointed, so each contribution is tombstoned exactly once.
 */
public final class CurationGuard
    extends KeyedCoProcessFunction<
        String, AcceptedContribution, CurationRequest, ContributionEvent> {

  private static final long serialVersionUID = 1L;

  /**
   * A contributor penalised by the upheld flag just accepted ({@code penalized} manifest events,
   * once per Datanet and contributor): from then on attribution credits none of their documents.
   */
  public static final org.apache.flink.util.OutputTag<io.payable.ingest.shard.ShardManifestEvent>
      PENALTIES =
          new org.apache.flink.util.OutputTag<>(
              "penalties",
              org.apache.flink.api.common.typeinfo.TypeInformation.of(
                  io.payable.ingest.shard.ShardManifestEvent.class));

  private transient MapState<String, String> contributors;
  private transient MapState<String, Long> penalized;
  private transient MapState<String, String> tombstoned;
  private transient CurationMetrics metrics;
  private transient Counter accepted;

  @Override
  public void open(OpenContext openContext) {
    var ctx = getRuntimeContext();
    contributors =
        ctx.getMapState(new MapStateDescriptor<>("contributors", Types.STRING, Types.STRING));
    tombstoned =
        ctx.getMapState(new MapStateDescriptor<>("tombstoned", Types.STRING, Types.STRING));
    penalized = ctx.getMapState(new MapStateDescriptor<>("penalized", Types.STRING, Types.LONG));
    metrics = new CurationMetrics(ctx.getMetricGroup());
    accepted = metrics.counter("accepted");
  }

  @Override
  public void processElement1(AcceptedContribution c, Context ctx, Collector<ContributionEvent> out)
      throws Exception {
    contributors.put(c.contributionId(), c.contributor());
  }

  @Override
  public void processElement2(CurationRequest r, Context ctx, Collector<ContributionEvent> out)
      throws Exception {
    String owner = contributors.get(r.contributionId());
    if (owner == null) {
      reject(
          ctx,
          r,
          CurationRejectionReason.UNKNOWN_CONTRIBUTION,
          "no accepted contribution " + r.contributionId() + " in Datanet " + r.datanetId());
      return;
    }
    boolean withdrawal = CurationRequest.WITHDRAWAL.equals(r.type());
    if (!owner.equalsIgnoreCase(r.contributor())) {
      reject(
          ctx,
          r,
          CurationRejectionReason.NOT_CONTRIBUTION_OWNER,
          r.contributionId() + " was contributed by " + owner + ", not by " + r.contributor());
      return;
    }
    String earlier = tombstoned.get(r.contributionId());
    if (earlier != null) {
      reject(
          ctx,
          r,
          withdrawal
              ? CurationRejectionReason.ALREADY_WITHDRAWN
              : CurationRejectionReason.ALREADY_TOMBSTONED,
          r.contributionId() + " is already tombstoned (" + earlier + ")");
      return;
    }
    ContributionEvent event = r.toEvent(ctx.timerService().currentProcessingTime());
    tombstoned.put(r.contributionId(), event.eventType());
    accepted.inc();
    out.collect(event);
    if (r.contributorPenalized() && !penalized.contains(r.contributor())) {
      penalized.put(r.contributor(), event.effectiveAt());
      ctx.output(
          PENALTIES,
          io.payable.ingest.shard.ShardManifestEvent.penalized(
              r.datanetId(), r.contributor(), event.effectiveAt()));
    }
  }

  private void reject(
      Context ctx, CurationRequest r, CurationRejectionReason reason, String detail) {
    metrics.rejected(reason.code());
    ctx.output(
        Rejections.TAG,
        Rejection.of(
            r.source(), reason.code(), detail, ctx.timerService().currentProcessingTime()));
  }
}
