package io.payable.ingest.validate;

import io.payable.ingest.submission.RejectionReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

/**
 * The ingest counters of one operator: {@code payable.ingest.rejected.<reason>} for each reason
 * code, so that received = accepted + the sum of rejected can be checked from metrics.
 */
final class IngestMetrics {

  private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);
  private final MetricGroup group;

  IngestMetrics(MetricGroup operatorGroup) {
    this.group = operatorGroup.addGroup("payable").addGroup("ingest");
  }

  Counter counter(String name) {
    return group.counter(name);
  }

  /** A per-second rate of {@code counter}, averaged over a minute. */
  void meter(String name, Counter counter) {
    group.meter(name, new MeterView(counter));
  }

  void rejected(RejectionReason reason) {
    rejected.computeIfAbsent(reason, r -> group.addGroup("rejected").counter(r.code())).inc();
  }
}
