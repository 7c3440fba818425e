package io.payable.attribution.intake;

import io.payable.attribution.params.ParamsSource;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by event id: lets each event through once, with a positive fee that fits the tables, for a
 * registered adapter, and stamps it with the parameters in force. An event id is remembered once
 * accepted (for {@code dedupeRetention}); a refused event may come again, corrected.
 */
public final class EventGate
    extends KeyedProcessFunction<String, VerifiedEvent, AttributionRequest> {

  private static final long serialVersionUID = 1L;

  /**
   * Longest identifier (event, model, adapter, adapter version, consumer) an event may carry: they
   * are copied into every reward record and row, which must stay small whatever a worker signs.
   */
  public static final int MAX_ID_CHARS = 256;

  /** decimal(38,0) holds values below 10^38. */
  static final BigInteger FEE_LIMIT = BigInteger.TEN.pow(38);

  private final AdapterDirectory adapters;
  private final ParamsSource params;
  private final Duration dedupeRetention;

  private transient ValueState<Boolean> accepted;
  private transient Counter acceptedEvents;
  private transient Map<InferenceRejectionReason, Counter> rejected;

  public EventGate(AdapterDirectory adapters, ParamsSource params, Duration dedupeRetention) {
    this.adapters = adapters;
    this.params = params;
    this.dedupeRetention = dedupeRetention;
  }

  @Override
  public void open(OpenContext context) {
    adapters.open();
    ValueStateDescriptor<Boolean> seen = new ValueStateDescriptor<>("accepted", Boolean.class);
    seen.enableTimeToLive(StateTtlConfig.newBuilder(dedupeRetention).build());
    accepted = getRuntimeContext().getState(seen);
    var group = getRuntimeContext().getMetricGroup().addGroup("attribution");
    acceptedEvents = group.counter("eventsAccepted");
    rejected = new EnumMap<>(InferenceRejectionReason.class);
    for (InferenceRejectionReason r : InferenceRejectionReason.values()) {
      rejected.put(r, group.addGroup("rejected").counter(r.code()));
    }
  }

  @Override
  public void processElement(VerifiedEvent in, Context ctx, Collector<AttributionRequest> out)
      throws Exception {
    InferenceEvent event = in.event();
    String longId = longIdentifier(event);
    if (longId != null) {
      reject(
          ctx, in, InferenceRejectionReason.INVALID_FIELD, longId + " longer than " + MAX_ID_CHARS);
      return;
    }
    if (Boolean.TRUE.equals(accepted.value())) {
      reject(ctx, in, InferenceRejectionReason.DUPLICATE_EVENT, "event id already attributed");
      return;
    }
    if (event.feeWei().signum() <= 0) {
      reject(ctx, in, InferenceRejectionReason.NON_POSITIVE_FEE, "fee " + event.feeWei());
      return;
    }
    if (event.feeWei().compareTo(FEE_LIMIT) >= 0) {
      reject(ctx, in, InferenceRejectionReason.FEE_OUT_OF_RANGE, "fee >= 10^38 wei");
      return;
    }
    Optional<AdapterInfo> adapter = adapters.adapter(event.adapterId());
    if (adapter.isEmpty()) {
      reject(ctx, in, InferenceRejectionReason.UNKNOWN_ADAPTER, event.adapterId());
      return;
    }
    accepted.update(true);
    acceptedEvents.inc();
    out.collect(
        new AttributionRequest(
            event,
            in.workerOperator(),
            adapter.get(),
            params.current(),
            System.currentTimeMillis(),
            in.source(),
            null,
            null));
  }

  /** The name of the first identifier longer than {@link #MAX_ID_CHARS}, or {@code null}. */
  static String longIdentifier(InferenceEvent e) {
    String[][] ids = {
      {"event_id", e.eventId()},
      {"model_id", e.modelId()},
      {"adapter_id", e.adapterId()},
      {"adapter_version", e.adapterVersion()},
      {"consumer", e.consumer()},
      {"worker_id", e.workerId()}
    };
    for (String[] id : ids) {
      if (id[1].length() > MAX_ID_CHARS) {
        return id[0];
      }
    }
    return null;
  }

  private void reject(
      Context ctx, VerifiedEvent in, InferenceRejectionReason reason, String detail) {
    rejected.get(reason).inc();
    ctx.output(Rejections.TAG, rejection(in.event(), in.source(), reason, detail));
  }

  /**
   * The rejection of an event that came in {@code source}: the event as JSON in {@code raw}, at its
   * record's topic, partition and offset.
   */
  public static Rejection rejection(
      InferenceEvent event, RawRecord source, InferenceRejectionReason reason, String detail) {
    RawRecord asEvent =
        new RawRecord(
            source.topic(),
            source.partition(),
            source.offset(),
            source.timestamp(),
            InferenceEventJson.encode(event));
    return Rejection.of(
        asEvent,
        reason.code(),
        "event " + event.eventId() + ": " + detail,
        System.currentTimeMillis());
  }
}
