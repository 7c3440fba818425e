package io.payable.ingest.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class InputWatchTest {

  private static RawRecord at(int partition, long offset) {
    return new RawRecord("datanet.submissions", partition, offset, 0, new byte[] {1, 2, 3});
  }

  private static long gauge(MetricListener metrics, int partition, String name) {
    return metrics
        .<Long>getGauge("topic", "datanet.submissions", "partition", "" + partition, name)
        .orElseThrow()
        .getValue();
  }

  @Test
  void exposesWhereEachPartitionResumedAndTheRecordThatFailed() {
    MetricListener metrics = new MetricListener();
    InputWatch watch = InputWatch.of("validate (1/2)#3", 3, metrics.getMetricGroup());
    watch.before(at(0, 41));
    watch.before(at(0, 42));
    watch.before(at(1, 7));
    assertThat(gauge(metrics, 0, "resumedAtOffset")).isEqualTo(41);
    assertThat(gauge(metrics, 1, "resumedAtOffset")).isEqualTo(7);
    assertThat(gauge(metrics, 0, "failedAtOffset")).isEqualTo(-1);
    assertThat(metrics.<Integer>getGauge("attempt").orElseThrow().getValue()).isEqualTo(3);

    IllegalStateException boom = new IllegalStateException("boom");
    assertThat(watch.failed(at(0, 42), boom)).isSameAs(boom);
    assertThat(gauge(metrics, 0, "failedAtOffset")).isEqualTo(42);
    assertThat(gauge(metrics, 1, "failedAtOffset")).isEqualTo(-1);
    assertThat(metrics.getCounter("recordFailures").orElseThrow().getCount()).isEqualTo(1);
  }
}
