package io.payable.settlement;

import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes each accepted reward record on (its credits and consumer charge) and sends a rejection to
 * {@link Rejections#TAG}. Counters under {@code payable.settlement}: {@code recordsReceived},
 * {@code recordsRejected} (a rejected reward means a bug or a stranger upstream, so each is also
 * logged with its position).
 */
public final class RewardSplitter extends ProcessFunction<RewardRecord, RewardRecord> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RewardSplitter.class);

  private transient Counter received;
  private transient Counter rejected;

  @Override
  public void open(OpenContext context) {
    var group = getRuntimeContext().getMetricGroup().addGroup("payable").addGroup("settlement");
    received = group.counter("recordsReceived");
    rejected = group.counter("recordsRejected");
  }

  @Override
  public void processElement(RewardRecord in, Context ctx, Collector<RewardRecord> out) {
    received.inc();
    Rejection r = in.rejection();
    if (r != null) {
      rejected.inc();
      LOG.warn(
          "Rejected reward record {}-{}@{} ({}): {}",
          r.topic(),
          r.partition(),
          r.offset(),
          r.reason(),
          r.detail());
      ctx.output(Rejections.TAG, r);
      return;
    }
    out.collect(in);
  }
}
