package io.payable.ingest.validate;

import io.payable.ingest.record.CheckedSubmission;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.submission.RejectionReason;
import java.math.BigInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Replay protection, keyed by contributor: a submission's nonce must be above the last accepted
 * nonce of the same contributor in the same Datanet. Nonces need not be consecutive, so a wallet
 * may skip some; they must only grow.
 */
public final class NonceGuard
    extends KeyedProcessFunction<String, CheckedSubmission, CheckedSubmission> {

  private static final long serialVersionUID = 1L;

  private transient MapState<String, BigInteger> lastNonceByDatanet;
  private transient IngestMetrics metrics;

  @Override
  public void open(OpenContext openContext) {
    lastNonceByDatanet =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("last-nonce", Types.STRING, Types.BIG_INT));
    metrics = new IngestMetrics(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(CheckedSubmission s, Context ctx, Collector<CheckedSubmission> out)
      throws Exception {
    BigInteger last = lastNonceByDatanet.get(s.datanetId());
    if (last != null && s.nonce().compareTo(last) <= 0) {
      metrics.rejected(RejectionReason.REPLAYED_NONCE);
      ctx.output(
          Rejections.TAG,
          Rejection.of(
              s.source(),
              RejectionReason.REPLAYED_NONCE,
              "nonce " + s.nonce() + " is not above the last accepted nonce " + last,
              ctx.timerService().currentProcessingTime()));
      return;
    }
    lastNonceByDatanet.put(s.datanetId(), s.nonce());
    out.collect(s);
  }
}
