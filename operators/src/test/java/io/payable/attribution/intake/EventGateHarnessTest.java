package io.payable.attribution.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.params.ParamsSource;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The event gate in Flink's operator harness: each event id is let through once, also across a
 * checkpoint and restore; every refusal carries its reason code; inputs = accepted + rejected.
 */
class EventGateHarnessTest {

  private static final AdapterInfo ADAPTER =
      new AdapterInfo("moby-lora", "0xowner", List.of("moby"), Map.of());
  private static final AttributionParams PARAMS =
      new AttributionParams(new FeeSplitParams(7000, 1500, 1000, 500), 100, 8, 1000, 3_600_000);

  private static KeyedOneInputStreamOperatorTestHarness<String, VerifiedEvent, AttributionRequest>
      harness() throws Exception {
    EventGate gate =
        new EventGate(
            AdapterDirectory.fixed(Map.of(ADAPTER.adapterId(), ADAPTER)),
            ParamsSource.fixed(PARAMS),
            Duration.ofDays(7));
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(gate), v -> v.event().eventId(), Types.STRING);
  }

  private static StreamRecord<VerifiedEvent> event(String id, String adapter, BigInteger fee) {
    Instant done = Instant.parse("2026-11-29T10:15:30Z");
    InferenceEvent e =
        new InferenceEvent(
            id,
            "0x00000000000000000000000000000000000000aa",
            "llama",
            adapter,
            "v1",
            "0xconsumer",
            fee,
            InferenceEvent.PriceBasis.values()[0],
            BigInteger.ONE,
            "some output",
            3,
            4,
            done.minusSeconds(2),
            done.minusSeconds(1),
            done);
    RawRecord source =
        new RawRecord("inference.events", 0, 7, 0, "batch".getBytes(StandardCharsets.UTF_8));
    return new StreamRecord<>(new VerifiedEvent(e, "0xoperator", source));
  }

  private static List<String> reasons(
      KeyedOneInputStreamOperatorTestHarness<String, VerifiedEvent, AttributionRequest> h) {
    List<String> out = new ArrayList<>();
    var side = h.getSideOutput(Rejections.TAG);
    if (side != null) {
      for (StreamRecord<Rejection> r : side) {
        out.add(r.getValue().reason() + ":" + r.getValue().detail());
      }
    }
    return out;
  }

  @Test
  void anAcceptedEventIdIsRefusedAfterARestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var before = harness()) {
      before.open();
      before.processElement(event("e-1", "moby-lora", BigInteger.TEN));
      assertThat(before.extractOutputValues())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.eventId()).isEqualTo("e-1");
                assertThat(r.params()).isEqualTo(PARAMS);
                assertThat(r.workerOperator()).isEqualTo("0xoperator");
              });
      snapshot = before.snapshot(1, 1);
    }
    try (var after = harness()) {
      after.initializeState(snapshot);
      after.open();
      after.processElement(event("e-1", "moby-lora", BigInteger.TEN));
      after.processElement(event("e-2", "moby-lora", BigInteger.TEN));
      assertThat(after.extractOutputValues())
          .extracting(AttributionRequest::eventId)
          .containsExactly("e-2");
      assertThat(reasons(after))
          .containsExactly("duplicate_event:event e-1: event id already attributed");
    }
  }

  @Test
  void aRefusedEventMayComeAgainCorrected() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement(event("e-3", "no-such-adapter", BigInteger.TEN));
      h.processElement(event("e-3", "moby-lora", BigInteger.TEN));
      assertThat(reasons(h)).containsExactly("unknown_adapter:event e-3: no-such-adapter");
      assertThat(h.extractOutputValues())
          .extracting(AttributionRequest::eventId)
          .containsExactly("e-3");
    }
  }

  @Test
  void everyEventLevelRefusalHasItsReasonAndTheCountsReconcile() throws Exception {
    try (var h = harness()) {
      h.open();
      List<StreamRecord<VerifiedEvent>> inputs =
          List.of(
              event("ok-1", "moby-lora", BigInteger.ONE),
              event("zero", "moby-lora", BigInteger.ZERO),
              event("huge", "moby-lora", BigInteger.TEN.pow(38)),
              event("max", "moby-lora", BigInteger.TEN.pow(38).subtract(BigInteger.ONE)),
              event("x".repeat(EventGate.MAX_ID_CHARS + 1), "moby-lora", BigInteger.ONE),
              event("ok-2", "a".repeat(EventGate.MAX_ID_CHARS + 1), BigInteger.ONE),
              event("ghost", "ghost-lora", BigInteger.ONE));
      for (var in : inputs) {
        h.processElement(in);
      }
      assertThat(h.extractOutputValues())
          .extracting(AttributionRequest::eventId)
          .containsExactly("ok-1", "max");
      assertThat(reasons(h))
          .extracting(r -> r.substring(0, r.indexOf(':')))
          .containsExactly(
              "non_positive_fee",
              "fee_out_of_range",
              "invalid_field",
              "invalid_field",
              "unknown_adapter");
      assertThat(reasons(h)).anyMatch(r -> r.endsWith("adapter_id longer than 256"));
      assertThat(h.extractOutputValues().size() + reasons(h).size()).isEqualTo(inputs.size());
    }
  }
}
