package io.payable.ingest.record;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a job that keeps failing on the same input visible. The first operator after a Kafka source
 * passes every record through here; when processing a record throws (in this operator or one
 * chained after it), the record's topic, partition, offset, size and SHA-256 are logged and counted
 * before the job fails over; after a restart, the offset each partition resumes at is logged and
 * exposed as a gauge. An operator seeing {@code numRestarts} climb with {@code resumedAtOffset}
 * unchanged knows the job is stuck on a record at or after that offset (docs/operations.md, "A job
 * stuck on a record").
 *
 * <p>Metrics under {@code payable.input}: counter {@code recordFailures}, gauge {@code attempt},
 * and per {@code topic}/{@code partition} gauges {@code resumedAtOffset} and {@code failedAtOffset}
 * (-1 until set).
 */
public final class InputWatch {

  private static final Logger LOG = LoggerFactory.getLogger(InputWatch.class);

  private final String task;
  private final int attempt;
  private final MetricGroup group;
  private final Counter failures;
  private final Map<String, Partition> partitions = new HashMap<>();
  private Partition last;

  private InputWatch(String task, int attempt, MetricGroup group) {
    this.task = task;
    this.attempt = attempt;
    this.group = group;
    this.failures = group.counter("recordFailures");
    group.gauge("attempt", (Gauge<Integer>) () -> attempt);
  }

  /** A watch for the operator of {@code context}, with metrics in its group. */
  public static InputWatch of(RuntimeContext context) {
    return of(
        context.getTaskInfo().getTaskNameWithSubtasks(),
        context.getTaskInfo().getAttemptNumber(),
        context.getMetricGroup().addGroup("payable").addGroup("input"));
  }

  /**
   * A watch for task {@code task} in restart attempt {@code attempt}, with metrics in {@code
   * group}.
   */
  static InputWatch of(String task, int attempt, MetricGroup group) {
    return new InputWatch(task, attempt, group);
  }

  /** Call before processing {@code record}. */
  public void before(RawRecord record) {
    Partition p = partition(record);
    if (p.resumedAt < 0) {
      p.resumedAt = record.offset();
      if (attempt > 0) {
        LOG.warn(
            "{} (attempt {}) resumed {}-{} at offset {}",
            task,
            attempt,
            record.topic(),
            record.partition(),
            record.offset());
      }
    }
  }

  /** Logs and counts a failure on {@code record}; returns {@code e} for the caller to rethrow. */
  public RuntimeException failed(RawRecord record, RuntimeException e) {
    failures.inc();
    partition(record).failedAt = record.offset();
    byte[] value = record.value() == null ? new byte[0] : record.value();
    LOG.error(
        "{} (attempt {}) failed on record {}-{}@{} ({} bytes, sha256 {}): {}. The job restarts"
            + " from its last checkpoint and reads the record again; if this repeats, see"
            + " 'A job stuck on a record' in docs/operations.md",
        task,
        attempt,
        record.topic(),
        record.partition(),
        record.offset(),
        value.length,
        Rejection.sha256(value),
        Rejection.boundedDetail(String.valueOf(e)));
    return e;
  }

  private Partition partition(RawRecord record) {
    // Records of one partition come in runs: skip the map (and the key it needs) within a run.
    if (last != null && last.partition == record.partition() && last.topic.equals(record.topic())) {
      return last;
    }
    String key = record.topic() + "-" + record.partition();
    Partition p = partitions.get(key);
    if (p == null) {
      p = new Partition(record.topic(), record.partition());
      MetricGroup g =
          group
              .addGroup("topic", record.topic())
              .addGroup("partition", String.valueOf(record.partition()));
      Partition registered = p;
      g.gauge("resumedAtOffset", (Gauge<Long>) () -> registered.resumedAt);
      g.gauge("failedAtOffset", (Gauge<Long>) () -> registered.failedAt);
      partitions.put(key, p);
    }
    last = p;
    return p;
  }

  private static final class Partition {
    final String topic;
    final int partition;
    long resumedAt = -1;
    long failedAt = -1;

    Partition(String topic, int partition) {
      this.topic = topic;
      this.partition = partition;
    }
  }
}
