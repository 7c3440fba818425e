package io.payable.attribution.match;

import io.payable.attribution.intake.InferenceRejectionReason;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.ingest.validate.Rejections;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code index.manifest} records. The ingest job is their only writer, but anyone allowed on
 * the topic can write anything: a record this version cannot read (a stranger's, or a newer format)
 * is rejected ({@code malformed_manifest_event}, counted as {@code
 * payable.attribution.unreadableManifestEvents} and logged with its position) and never stops
 * attribution.
 */
public final class ManifestDecoder extends ProcessFunction<RawRecord, ShardManifestEvent> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ManifestDecoder.class);

  private transient Counter unreadable;

  @Override
  public void open(OpenContext context) {
    unreadable =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup("payable")
            .addGroup("attribution")
            .counter("unreadableManifestEvents");
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<ShardManifestEvent> out) {
    ShardManifestEvent event;
    try {
      event = ShardManifestEvent.fromJson(record.value());
    } catch (RuntimeException | StackOverflowError e) {
      unreadable.inc();
      String detail =
          e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
      LOG.error(
          "Unreadable manifest event at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          Rejection.boundedDetail(detail));
      ctx.output(
          Rejections.TAG,
          Rejection.of(
              record,
              InferenceRejectionReason.MALFORMED_MANIFEST_EVENT.code(),
              detail,
              System.currentTimeMillis()));
      return;
    }
    out.collect(event);
  }
}
