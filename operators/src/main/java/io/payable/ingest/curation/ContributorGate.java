package io.payable.ingest.curation;

import io.payable.ingest.record.CheckedSubmission;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Rejects submissions of contributors who may not contribute to the Datanet: {@code
 * penalized_contributor} (their penalty score reached the governance threshold) and {@code
 * insufficient_stake} (less OPEN staked than the Datanet's contributor stake). A closed Datanet was
 * rejected before (the closed check is the validator's). Stateless; counted under {@code
 * payable.ingest.curation.rejected}.
 */
public final class ContributorGate extends ProcessFunction<CheckedSubmission, CheckedSubmission> {

  private static final long serialVersionUID = 1L;

  public static final String PENALIZED = "penalized_contributor";
  public static final String INSUFFICIENT_STAKE = "insufficient_stake";

  private final ContributorStanding standing;
  private transient CurationMetrics metrics;

  public ContributorGate(ContributorStanding standing) {
    this.standing = standing;
  }

  @Override
  public void open(OpenContext openContext) {
    metrics = new CurationMetrics(getRuntimeContext().getMetricGroup());
    standing.open();
  }

  @Override
  public void close() {
    if (standing != null) {
      standing.close();
    }
  }

  @Override
  public void processElement(CheckedSubmission s, Context ctx, Collector<CheckedSubmission> out) {
    var current = standing.standing(s.datanetId(), s.contributor());
    if (current.isEmpty() || current.get() == ContributorStanding.Standing.OK) {
      out.collect(s);
      return;
    }
    boolean penalized = current.get() == ContributorStanding.Standing.PENALIZED;
    String code = penalized ? PENALIZED : INSUFFICIENT_STAKE;
    metrics.rejected(code);
    ctx.output(
        Rejections.TAG,
        Rejection.of(
            s.source(),
            code,
            penalized
                ? s.contributor() + " is penalised (DatanetRegistry.isPenalized)"
                : s.contributor()
                    + " has less OPEN staked than Datanet "
                    + s.datanetId()
                    + " requires",
            ctx.timerService().currentProcessingTime()));
  }
}
