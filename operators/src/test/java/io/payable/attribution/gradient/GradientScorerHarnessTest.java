package io.payable.attribution.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.payable.attribution.intake.AttributionRequest;
import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.split.Payout;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.attribution.trace.Attribution;
import io.payable.attribution.trace.EventAttributor;
import io.payable.index.scoring.AttributionScorer;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import io.payable.models.Projection;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.influence.SketchFactor;
import io.payable.models.influence.SketchLayout;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.QuerySketch;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gradient scorer on Flink's operator harness: events wait for their adapter's influence store
 * across a checkpoint, are scored as docs/attribution.md's worked example (version 2) says once it
 * arrives, and events without a usable sketch are rejected with a reason.
 */
class GradientScorerHarnessTest {
  static final String A = "0x" + "aa".repeat(20);
  static final String B = "0x" + "bb".repeat(20);
  static final String OWNER = "0x" + "01".repeat(20);
  static final String OPERATOR = "0x" + "02".repeat(20);
  static final String TREASURY = "0x" + "03".repeat(20);
  static final AdapterInfo GRADIENT =
      new AdapterInfo("grad", OWNER, List.of("d"), Map.of("d", TREASURY), AdapterInfo.GRADIENT);
  static final AdapterInfo SPANS = new AdapterInfo("span", OWNER, List.of("d"), Map.of());
  // No audits here: an audit needs the adapter's model (GradientAttributionITCase covers it).
  static final AttributionParams PARAMS =
      new AttributionParams(new FeeSplitParams(7000, 1500, 1000, 500), 100, 6, 10, 3_600_000)
          .withGradient(5000, 0, 200, 2000);

  @TempDir Path dir;

  /** The worked example's store: sketches (1, 0), (0, -2), (1, 2) with their provenance. */
  InfluenceStoreEvent writeStore() throws Exception {
    SketchLayout layout =
        SketchLayout.of(
            List.of(
                new SketchFactor(0, Projection.Q_PROJ, 'A', 1, 1, 1, 1),
                new SketchFactor(0, Projection.Q_PROJ, 'B', 1, 1, 1, 1)));
    Path file = dir.resolve("influence-store.bin");
    InfluenceStore.Written w =
        InfluenceStore.write(
            file,
            layout,
            new byte[32],
            0.1,
            List.of(new float[] {1, 0}, new float[] {0, -2}, new float[] {1, 2}),
            List.of(
                new ExampleProvenance(List.of(new ExampleProvenance.Piece("0x01", A, 10))),
                new ExampleProvenance(List.of(new ExampleProvenance.Piece("0x02", B, 5))),
                new ExampleProvenance(
                    List.of(
                        new ExampleProvenance.Piece("0x03", A, 5),
                        new ExampleProvenance.Piece("0x04", B, 15)))));
    return new InfluenceStoreEvent("grad", file.toString(), w.sha256(), "unused", "unused");
  }

  static final long DONE = 1_800_000_000_000L;

  static AttributionRequest request(String id, AdapterInfo adapter, QuerySketch sketch) {
    return request(id, adapter, sketch, DONE);
  }

  static AttributionRequest request(
      String id, AdapterInfo adapter, QuerySketch sketch, long doneMillis) {
    Instant t = Instant.ofEpochMilli(doneMillis);
    InferenceEvent e =
        new InferenceEvent(
                id,
                "0x" + "0f".repeat(20),
                "base",
                adapter.adapterId(),
                "v1",
                "c",
                BigInteger.valueOf(1_000_003),
                InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
                BigInteger.ONE,
                "output",
                1,
                2,
                t,
                t,
                t)
            .withQuerySketch(sketch);
    return new AttributionRequest(e, OPERATOR, adapter, PARAMS, t.toEpochMilli());
  }

  static QuerySketch sketch(short... bits) {
    return QuerySketch.ofBits(bits, new int[] {1});
  }

  static KeyedBroadcastOperatorTestHarness<
          String, AttributionRequest, ScorerBroadcast, AttributionRequest>
      harness(OperatorSubtaskState restore) throws Exception {
    return harness(restore, 3);
  }

  static KeyedBroadcastOperatorTestHarness<
          String, AttributionRequest, ScorerBroadcast, AttributionRequest>
      harness(OperatorSubtaskState restore, int batchSize) throws Exception {
    var h =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new GradientScorer(true, batchSize, Duration.ofMillis(50)),
                List.of(GradientScorer.STORES, GradientScorer.TOMBSTONES)),
            (AttributionRequest r) -> r.event().adapterId(),
            BasicTypeInfo.STRING_TYPE_INFO,
            1,
            1,
            0);
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
    return h;
  }

  static List<AttributionRequest> outputs(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
    return h.getOutput().stream()
        .filter(o -> o instanceof StreamRecord<?>)
        .map(o -> (AttributionRequest) ((StreamRecord<?>) o).getValue())
        .toList();
  }

  static List<String> rejections(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
    var side = h.getSideOutput(Rejections.TAG);
    return side == null
        ? List.of()
        : side.stream().map(r -> ((Rejection) r.getValue()).reason()).toList();
  }

  @Test
  void eventsWaitForTheirStoreAcrossACheckpointAndAreScoredAsTheWorkedExample() throws Exception {
    InfluenceStoreEvent store = writeStore();
    short one = 0x3F80; // 1.0 in bfloat16
    OperatorSubtaskState snapshot;
    try (var h = harness(null)) {
      h.processElement(request("e1", GRADIENT, sketch(one, one)), 1);
      h.processElement(request("s1", SPANS, null), 2);
      // The spans event passes; the gradient event waits for its store.
      assertThat(outputs(h)).extracting(AttributionRequest::eventId).containsExactly("s1");
      assertThat(outputs(h).get(0).gradient()).isNull();
      snapshot = h.snapshot(1, 3);
    }
    OperatorSubtaskState second;
    try (var h = harness(snapshot)) {
      h.processBroadcastElement(store, 4);
      List<AttributionRequest> out = outputs(h);
      assertThat(out).extracting(AttributionRequest::eventId).containsExactly("e1");
      GradientResult g = out.get(0).gradient();
      // A = 15/11 + (45/22)(5/20) = 165/88, B = (45/22)(15/20) = 135/88 (float32 inverses).
      assertThat(g.rawWeights().keySet()).containsExactly(A, B);
      assertThat(g.rawWeights().get(A)).isCloseTo(165.0 / 88, offset(1e-6));
      assertThat(g.rawWeights().get(B)).isCloseTo(135.0 / 88, offset(1e-6));
      assertThat(g.audited()).isFalse();
      // Top examples: example 2 (45/22, two pieces) then example 0 (15/11); example 1 is negative.
      assertThat(g.influences())
          .extracting(Influence::rank, Influence::example, Influence::contributionId)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(0, 2L, "0x03"),
              org.assertj.core.groups.Tuple.tuple(0, 2L, "0x04"),
              org.assertj.core.groups.Tuple.tuple(1, 0L, "0x01"));
      assertThat(g.influences().get(0).score()).isCloseTo(45.0 / 22, offset(1e-6));

      // The worked example's fee split: A 385,001 and B 315,001 of the 700,002 wei data pool.
      Attribution a =
          new EventAttributor(
                  PARAMS.spanParams(),
                  new AttributionScorer(PARAMS.thresholdBps()),
                  new FeeSplitter(PARAMS.feeSplit(), TREASURY),
                  PARAMS.epochLengthMillis())
              .attribute(
                  out.get(0).event(),
                  OPERATOR,
                  GRADIENT,
                  List.of(),
                  g,
                  PARAMS.hybridGradientBps(),
                  PARAMS.gradientThresholdBps(),
                  d -> 0L);
      assertThat(a.method()).isEqualTo("gradient");
      Map<String, BigInteger> paid =
          a.payouts().stream()
              .collect(java.util.stream.Collectors.toMap(Payout::recipient, Payout::amount));
      assertThat(paid.get(A)).isEqualTo(BigInteger.valueOf(385_001));
      assertThat(paid.get(B)).isEqualTo(BigInteger.valueOf(315_001));
      assertThat(a.payouts().stream().map(Payout::amount).reduce(BigInteger.ZERO, BigInteger::add))
          .isEqualTo(BigInteger.valueOf(1_000_003));
      second = h.snapshot(2, 5);
    }
    try (var h = harness(second)) {
      // The store is in the restored broadcast state: scored once the batch of three is full.
      h.processElement(request("e2", GRADIENT, sketch(one, (short) 0)), 6);
      h.processElement(request("e3", GRADIENT, null), 7);
      h.processElement(request("e4", GRADIENT, sketch(one, one, one)), 8);
      assertThat(outputs(h)).extracting(AttributionRequest::eventId).containsExactly("e2");
      // Query (1, 0): scores 15/11, 0, 15/11: A = 15/11 + 15/11 * 5/20, B = 15/11 * 15/20.
      assertThat(outputs(h).get(0).gradient().rawWeights().get(A))
          .isCloseTo(15.0 / 11 * 1.25, offset(1e-6));
      assertThat(rejections(h)).containsExactly("missing_sketch", "bad_sketch");
    }
  }

  @Test
  void aStoreWhoseHashIsNotTheManifestsIsRefused() throws Exception {
    InfluenceStoreEvent store = writeStore();
    Files.write(Path.of(store.store()), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    try (var h = harness(null)) {
      h.processBroadcastElement(store, 1);
      h.processElement(request("e1", GRADIENT, sketch((short) 0x3F80, (short) 0x3F80)), 2);
      h.watermark(Long.MAX_VALUE);
      assertThat(outputs(h)).isEmpty();
      assertThat(rejections(h)).containsExactly("influence_store_unavailable");
    }
  }

  @Test
  void aBatchIsScoredWhenFullAfterItsDelayOrAtTheEndOfInputAndSurvivesACheckpoint()
      throws Exception {
    InfluenceStoreEvent store = writeStore();
    short one = 0x3F80;
    OperatorSubtaskState snapshot;
    GradientResult alone;
    try (var h = harness(null, 2)) {
      h.setProcessingTime(0);
      h.processBroadcastElement(store, 1);
      h.processElement(request("e1", GRADIENT, sketch(one, one)), 2);
      h.setProcessingTime(49);
      assertThat(outputs(h)).isEmpty();
      h.setProcessingTime(50);
      assertThat(outputs(h)).extracting(AttributionRequest::eventId).containsExactly("e1");
      alone = outputs(h).get(0).gradient();

      h.processElement(request("e2", GRADIENT, sketch(one, (short) 0)), 3);
      h.processElement(request("e3", GRADIENT, sketch(one, one)), 4);
      assertThat(outputs(h))
          .extracting(AttributionRequest::eventId)
          .containsExactly("e1", "e2", "e3");
      // In a batch, the same sketch gets the same result as alone.
      assertThat(outputs(h).get(2).gradient()).isEqualTo(alone);

      h.processElement(request("e4", GRADIENT, sketch(one, one)), 5);
      snapshot = h.snapshot(1, 6);
    }
    try (var h = harness(snapshot, 2)) {
      h.setProcessingTime(10);
      assertThat(outputs(h)).isEmpty();
      // The end of a bounded input flushes the pending batch: its final watermark.
      h.watermark(Long.MAX_VALUE);
      assertThat(outputs(h)).extracting(AttributionRequest::eventId).containsExactly("e4");
      assertThat(outputs(h).get(0).gradient()).isEqualTo(alone);
      // Its record time is the event's, not the final watermark's (Kafka refuses Long.MAX_VALUE).
      assertThat(
              h.getOutput().stream()
                  .filter(o -> o instanceof StreamRecord<?>)
                  .map(o -> ((StreamRecord<?>) o).getTimestamp()))
          .containsExactly(5L);
    }
  }

  @Test
  void withdrawnAndPenalisedContributionsEarnNoCreditFromWhenTheTombstoneTakesEffect()
      throws Exception {
    InfluenceStoreEvent store = writeStore();
    short one = 0x3F80;
    try (var h = harness(null, 1)) {
      h.processBroadcastElement(store, 1);
      // Example 3's piece of A (contribution 0x03) is withdrawn at DONE.
      h.processBroadcastElement(GradientTombstone.contribution("0x03", DONE), 2);
      h.processElement(request("before", GRADIENT, sketch(one, one), DONE - 1), 3);
      h.processElement(request("at", GRADIENT, sketch(one, one), DONE), 4);
      // B is penalised later; a second event of the same key for B's contribution is ignored.
      h.processBroadcastElement(GradientTombstone.contributor(B.toUpperCase(), DONE + 10), 5);
      h.processBroadcastElement(GradientTombstone.contributor(B, DONE + 5), 6);
      h.processElement(request("after", GRADIENT, sketch(one, one), DONE + 10), 7);
      List<AttributionRequest> out = outputs(h);
      assertThat(out)
          .extracting(AttributionRequest::eventId)
          .containsExactly("before", "at", "after");
      // Before: the worked example (A 165/88, B 135/88).
      assertThat(out.get(0).gradient().rawWeights().get(A)).isCloseTo(165.0 / 88, offset(1e-6));
      // At the withdrawal: example 3's quarter for A credits no one; B keeps its three quarters.
      assertThat(out.get(1).gradient().rawWeights().get(A)).isCloseTo(15.0 / 11, offset(1e-6));
      assertThat(out.get(1).gradient().rawWeights().get(B)).isCloseTo(135.0 / 88, offset(1e-6));
      // B penalised (effective DONE + 10, the first event of its key): only A's live piece is left.
      assertThat(out.get(2).gradient().rawWeights()).containsOnlyKeys(A);
      assertThat(out.get(2).gradient().rawWeights().get(A)).isCloseTo(15.0 / 11, offset(1e-6));
      // The audit trail still names the top examples, tombstoned pieces included.
      assertThat(out.get(2).gradient().influences())
          .extracting(Influence::contributionId)
          .containsExactly("0x03", "0x04", "0x01");
    }
  }
}
