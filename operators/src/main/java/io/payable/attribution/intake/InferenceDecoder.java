package io.payable.attribution.intake;

import io.payable.ingest.record.InputWatch;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.record.SkippedRecords;
import io.payable.ingest.validate.Rejections;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import io.payable.wire.inference.InvalidInferenceBatchException;
import io.payable.wire.inference.SignedInferenceBatch;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Verifies each {@code inference.events} record (envelope, signature, registered worker, Arrow
 * payload) and emits its events; a record that fails is rejected whole with the reader's reason.
 * Never throws on input: every record is either decoded or rejected.
 */
public final class InferenceDecoder extends ProcessFunction<RawRecord, VerifiedEvent> {

  private static final long serialVersionUID = 1L;

  private final WorkerDirectory workers;
  private final SkippedRecords skipped;

  private transient Counter received;
  private transient Counter decoded;
  private transient Counter rejected;
  private transient InputWatch watch;

  public InferenceDecoder(WorkerDirectory workers) {
    this(workers, SkippedRecords.NONE);
  }

  /**
   * @param skipped records to reject unread (reason {@code skipped})
   */
  public InferenceDecoder(WorkerDirectory workers, SkippedRecords skipped) {
    this.workers = workers;
    this.skipped = skipped;
  }

  @Override
  public void open(OpenContext context) {
    workers.open();
    var group = getRuntimeContext().getMetricGroup().addGroup("attribution");
    received = group.counter("recordsReceived");
    watch = InputWatch.of(getRuntimeContext());
    decoded = group.counter("eventsDecoded");
    rejected = group.counter("recordsRejected");
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<VerifiedEvent> out) {
    watch.before(record);
    try {
      decode(record, ctx, out);
    } catch (RuntimeException e) {
      throw watch.failed(record, e);
    }
  }

  private void decode(RawRecord record, Context ctx, Collector<VerifiedEvent> out) {
    received.inc();
    long now = System.currentTimeMillis();
    if (skipped.contains(record)) {
      reject(
          ctx,
          Rejection.of(
              record,
              InferenceRejectionReason.SKIPPED.code(),
              "skipped by the operator (input.skip-records)",
              now));
      return;
    }
    if (record.value() == null) {
      reject(ctx, Rejection.of(record, InferenceRejectionReason.EMPTY.code(), "null value", now));
      return;
    }
    SignedInferenceBatch batch;
    String[] operator = new String[1];
    try {
      batch =
          InferenceEventEnvelope.verify(
              record.value(),
              worker -> {
                Optional<String> op = workers.operatorOf(worker);
                op.ifPresent(o -> operator[0] = o);
                return op.isPresent();
              });
    } catch (InvalidInferenceBatchException e) {
      reject(
          ctx,
          Rejection.of(
              record, InferenceRejectionReason.of(e.reason()).code(), e.getMessage(), now));
      return;
    } catch (RuntimeException e) {
      // The reader is property-tested never to throw anything else; if it does, reject, not crash.
      reject(
          ctx,
          Rejection.of(record, InferenceRejectionReason.MALFORMED_ARROW.code(), e.toString(), now));
      return;
    }
    RawRecord source =
        new RawRecord(
            record.topic(), record.partition(), record.offset(), record.timestamp(), null);
    for (InferenceEvent event : batch.events()) {
      decoded.inc();
      out.collect(new VerifiedEvent(event, operator[0], source));
    }
  }

  private void reject(Context ctx, Rejection rejection) {
    rejected.inc();
    ctx.output(Rejections.TAG, rejection);
  }
}
