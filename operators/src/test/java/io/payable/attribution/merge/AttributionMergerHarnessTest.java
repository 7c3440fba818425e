package io.payable.attribution.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.intake.AttributionRequest;
import io.payable.attribution.match.GroupMatch;
import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.attribution.trace.Attribution;
import io.payable.attribution.trace.EventAttributor;
import io.payable.index.query.PartialMatch;
import io.payable.index.query.ShardedIndex;
import io.payable.index.scoring.AttributionScorer;
import io.payable.index.shard.Document;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merger in Flink's operator harness: it waits for every shard group's part, survives a
 * checkpoint and restore in between, and its result equals attributing against the whole index at
 * once (the reference: one {@link ShardedIndex} over both shards, no partial matches).
 */
class AttributionMergerHarnessTest {

  private static final String ALICE = "0x000000000000000000000000000000000000a11c";
  private static final String BOB = "0x0000000000000000000000000000000000000b0b";
  private static final String TREASURY = "0x7ea5000000000000000000000000000000000000";
  private static final String PROTOCOL = "0x9000000000000000000000000000000000000001";
  private static final AdapterInfo ADAPTER =
      new AdapterInfo("moby-lora", "0xowner", List.of("moby"), Map.of("moby", TREASURY));
  private static final AttributionParams PARAMS =
      new AttributionParams(new FeeSplitParams(7000, 1500, 1000, 500), 100, 6, 10, 3_600_000);

  @TempDir static Path dir;
  private static ShardedIndex group0;
  private static ShardedIndex group1;
  private static ShardedIndex whole;

  @BeforeAll
  static void index() {
    shard(
        dir.resolve("g0/shard-0000000001"),
        new Document(
            "d1",
            "moby",
            ALICE,
            "Call me Ishmael. Some years ago, never mind how long precisely, having little or no"
                + " money in my purse, and nothing particular to interest me on shore."));
    shard(
        dir.resolve("g1/shard-0000000002"),
        new Document(
            "d2",
            "moby",
            BOB,
            "It is a way I have of driving off the spleen and regulating the circulation, whenever"
                + " I find myself growing grim about the mouth."));
    shard(
        dir.resolve("whole/shard-0000000001"),
        new Document(
            "d1",
            "moby",
            ALICE,
            "Call me Ishmael. Some years ago, never mind how long precisely, having little or no"
                + " money in my purse, and nothing particular to interest me on shore."));
    shard(
        dir.resolve("whole/shard-0000000002"),
        new Document(
            "d2",
            "moby",
            BOB,
            "It is a way I have of driving off the spleen and regulating the circulation, whenever"
                + " I find myself growing grim about the mouth."));
    group0 = ShardedIndex.open(dir.resolve("g0"));
    group1 = ShardedIndex.open(dir.resolve("g1"));
    whole = ShardedIndex.open(dir.resolve("whole"));
  }

  private static void shard(Path path, Document doc) {
    ShardWriter writer = new ShardWriter(Tokenizers.byId("o200k_base"));
    writer.add(doc);
    writer.write(path);
  }

  @AfterAll
  static void close() {
    group0.close();
    group1.close();
    whole.close();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, GroupMatch, AttributedEvent>
      harness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AttributionMerger(PROTOCOL)),
        GroupMatch::eventId,
        Types.STRING);
  }

  private static InferenceEvent event(String id, String output, long fee) {
    Instant done = Instant.parse("2026-11-29T10:15:30Z");
    return new InferenceEvent(
        id,
        "0x00000000000000000000000000000000000000aa",
        "llama",
        ADAPTER.adapterId(),
        "v1",
        "0xconsumer",
        BigInteger.valueOf(fee),
        InferenceEvent.PriceBasis.values()[0],
        BigInteger.ONE,
        output,
        3,
        40,
        done.minusSeconds(2),
        done.minusSeconds(1),
        done);
  }

  private static GroupMatch part(AttributionRequest request, int group) {
    ShardedIndex index = group == 0 ? group0 : group1;
    int[] tokens = index.tokenizer().encode(request.event().outputText());
    // Shard keys order the shards of all groups: group 0's shard first.
    PartialMatch partial =
        index.partialMatch(tokens, PARAMS.spanParams(), List.of(String.format("%010d", group)));
    return new GroupMatch(request, group, 2, partial, Map.of("moby", index.totalTokens()));
  }

  private static Attribution reference(InferenceEvent event) {
    return new EventAttributor(
            PARAMS.spanParams(),
            new AttributionScorer(PARAMS.thresholdBps()),
            new FeeSplitter(PARAMS.feeSplit(), PROTOCOL),
            PARAMS.epochLengthMillis())
        .attribute(event, "0xoperator", ADAPTER, whole, d -> whole.totalTokens());
  }

  @Test
  void waitsForEveryGroupAcrossACheckpointAndMatchesTheWholeIndex() throws Exception {
    InferenceEvent event =
        event(
            "e-1",
            "Some years ago, never mind how long precisely, I was driving off the spleen and"
                + " regulating the circulation, whenever I find myself growing grim about the"
                + " mouth.",
            1_000_003);
    AttributionRequest request = new AttributionRequest(event, "0xoperator", ADAPTER, PARAMS, 0);

    OperatorSubtaskState snapshot;
    try (var before = harness()) {
      before.open();
      before.processElement(new StreamRecord<>(part(request, 1)));
      assertThat(before.extractOutputValues()).as("one of two groups answered").isEmpty();
      snapshot = before.snapshot(1, 1);
    }

    try (var after = harness()) {
      after.initializeState(snapshot);
      after.open();
      after.processElement(new StreamRecord<>(part(request, 0)));
      List<AttributedEvent> out = after.extractOutputValues();
      assertThat(out).hasSize(1);
      Attribution merged = out.get(0).attribution();
      Attribution expected = reference(event);
      assertThat(expected.scores()).extracting("contributor").containsExactlyInAnyOrder(ALICE, BOB);
      assertThat(merged.spans()).isEqualTo(expected.spans());
      assertThat(merged.scores()).isEqualTo(expected.scores());
      assertThat(merged.payouts()).isEqualTo(expected.payouts());
      assertThat(merged.payouts().stream().map(p -> p.amount()).reduce(BigInteger::add))
          .contains(BigInteger.valueOf(1_000_003));

      // The parts were cleared: the same event id starts a new collection, not a second result.
      after.processElement(new StreamRecord<>(part(request, 0)));
      assertThat(after.extractOutputValues()).hasSize(1);
    }
  }

  @Test
  void eventsAreCollectedIndependentlyByKey() throws Exception {
    AttributionRequest a =
        new AttributionRequest(
            event("e-a", "whenever I find myself growing grim about the mouth", 100),
            "0xoperator",
            ADAPTER,
            PARAMS,
            0);
    AttributionRequest b =
        new AttributionRequest(
            event("e-b", "Call me Ishmael. Some years ago, never mind how long precisely", 100),
            "0xoperator",
            ADAPTER,
            PARAMS,
            0);
    try (var h = harness()) {
      h.open();
      h.processElement(new StreamRecord<>(part(a, 0)));
      h.processElement(new StreamRecord<>(part(b, 1)));
      assertThat(h.extractOutputValues()).isEmpty();
      h.processElement(new StreamRecord<>(part(b, 0)));
      h.processElement(new StreamRecord<>(part(a, 1)));
      assertThat(h.extractOutputValues())
          .extracting(
              e -> e.request().eventId() + ":" + e.attribution().scores().get(0).contributor())
          .containsExactly("e-b:" + ALICE, "e-a:" + BOB);
    }
  }
}
