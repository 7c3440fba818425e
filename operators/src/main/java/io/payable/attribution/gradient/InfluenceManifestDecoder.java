package io.payable.attribution.gradient;

import io.payable.attribution.intake.InferenceRejectionReason;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Reads {@code influence.manifest} records; an unreadable one is rejected, never dropped. */
public final class InfluenceManifestDecoder
    extends ProcessFunction<RawRecord, InfluenceStoreEvent> {
  private static final long serialVersionUID = 1L;

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<InfluenceStoreEvent> out) {
    try {
      out.collect(InfluenceStoreEvent.fromJson(record.value()));
    } catch (RuntimeException e) {
      ctx.output(
          Rejections.TAG,
          Rejection.of(
              record,
              InferenceRejectionReason.MALFORMED_MANIFEST_EVENT.code(),
              "influence manifest event: " + e.getMessage(),
              System.currentTimeMillis()));
    }
  }
}
