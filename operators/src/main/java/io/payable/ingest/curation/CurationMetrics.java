package io.payable.ingest.curation;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The curation counters of one operator, under {@code payable.ingest.curation}: {@code received},
 * {@code accepted} and {@code rejected.<reason>}, so that received = accepted + rejected.
 */
final class CurationMetrics {

  private final MetricGroup group;
  private final Map<String, Counter> rejected = new HashMap<>();

  CurationMetrics(MetricGroup operatorGroup) {
    this.group = operatorGroup.addGroup("payable").addGroup("ingest").addGroup("curation");
  }

  Counter counter(String name) {
    return group.counter(name);
  }

  void rejected(String code) {
    rejected.computeIfAbsent(code, c -> group.addGroup("rejected").counter(c)).inc();
  }
}
