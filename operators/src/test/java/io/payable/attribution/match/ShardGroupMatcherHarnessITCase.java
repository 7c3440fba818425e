package io.payable.attribution.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.intake.AttributionRequest;
import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.index.query.PartialMatch;
import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.Document;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard group in Flink's operator harness against a real broker: it learns its shards from the
 * manifest topic at start and from the broadcast stream while running, and a restored subtask
 * reopens the shards its broadcast state lists even when the topic no longer says so.
 */
class ShardGroupMatcherHarnessITCase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  private static final String PASSAGE =
      "Call me Ishmael. Some years ago, never mind how long precisely, having little or no money"
          + " in my purse, and nothing particular to interest me on shore.";
  private static final AdapterInfo ADAPTER =
      new AdapterInfo("moby-lora", "0xowner", List.of("moby"), Map.of());
  private static final AttributionParams PARAMS =
      new AttributionParams(new FeeSplitParams(7000, 1500, 1000, 500), 100, 6, 10, 3_600_000);

  @TempDir Path dir;

  private ShardManifestEvent sealed(long seq) {
    Path shard = dir.resolve("moby/shard-" + seq);
    new ShardWriter(Tokenizers.byId("o200k_base"))
        .add(new Document("doc-" + seq, "moby", "0xa11ce", PASSAGE))
        .write(shard);
    return new ShardManifestEvent(
        ShardManifestEvent.SEALED,
        "moby",
        "moby-" + seq,
        seq,
        shard.toUri().toString(),
        1,
        40,
        "0x",
        "o200k_base",
        seq,
        List.of());
  }

  private TwoInputStreamOperatorTestHarness<AttributionRequest, ShardManifestEvent, GroupMatch>
      harness(String topic) throws Exception {
    ShardGroupMatcher matcher =
        new ShardGroupMatcher(
            "o200k_base", dir.resolve("cache").toString(), KAFKA.bootstrapServers(), topic);
    return new TwoInputStreamOperatorTestHarness<>(
        new CoBroadcastWithNonKeyedOperator<>(matcher, List.of(ShardGroupMatcher.SHARDS)));
  }

  private static AttributionRequest request(String id) {
    Instant done = Instant.parse("2026-11-29T10:15:30Z");
    InferenceEvent e =
        new InferenceEvent(
            id,
            "0x00000000000000000000000000000000000000aa",
            "llama",
            ADAPTER.adapterId(),
            "v1",
            "0xconsumer",
            BigInteger.TEN,
            InferenceEvent.PriceBasis.values()[0],
            BigInteger.ONE,
            "The model said: some years ago, never mind how long precisely, having little money.",
            3,
            20,
            done.minusSeconds(2),
            done.minusSeconds(1),
            done);
    return new AttributionRequest(e, "0xoperator", ADAPTER, PARAMS, 0);
  }

  /** The reference: the same shard opened directly, asked for its part of the whole index. */
  private PartialMatch expected(long seq) {
    try (ShardedIndex index = ShardedIndex.open(dir.resolve("moby"))) {
      int[] tokens = index.tokenizer().encode(request("ref").event().outputText());
      return index.partialMatch(
          tokens, PARAMS.spanParams(), List.of(ShardKeys.orderKey("moby", seq)));
    }
  }

  private static GroupMatch only(
      TwoInputStreamOperatorTestHarness<AttributionRequest, ShardManifestEvent, GroupMatch> h) {
    List<GroupMatch> out = h.extractOutputValues();
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void aRestoredGroupReopensTheShardsOfItsBroadcastState() throws Exception {
    String topic = "manifest-restore";
    KAFKA.createTopics(1, topic);
    OperatorSubtaskState snapshot;
    try (var before = harness(topic)) {
      before.open();
      before.processElement2(new StreamRecord<>(sealed(1)));
      before.processElement1(new StreamRecord<>(request("e-1")));
      GroupMatch match = only(before);
      assertThat(match.partial().spans()).isNotEmpty();
      assertThat(match.partial().lengths()).isEqualTo(expected(1).lengths());
      assertThat(match.datanetTokens()).containsEntry("moby", expected(1).totalTokens());
      snapshot = before.snapshot(1, 1);
    }
    // The topic is still empty: only the restored broadcast state knows the shard.
    try (var restored = harness(topic)) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement1(new StreamRecord<>(request("e-2")));
      PartialMatch partial = only(restored).partial();
      assertThat(partial.lengths()).isEqualTo(expected(1).lengths());
      assertThat(partial.spans()).isEqualTo(expected(1).spans());
    }
    try (var fresh = harness(topic)) {
      fresh.open();
      fresh.processElement1(new StreamRecord<>(request("e-3")));
      assertThat(only(fresh).partial().spans()).as("no state, empty topic: no shards").isEmpty();
    }
  }

  @Test
  void aStartingGroupReadsTheManifestTopicBeforeItAnswers() throws Exception {
    String topic = "manifest-start";
    KAFKA.createTopics(1, topic);
    Properties props = KAFKA.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>(topic, sealed(2).toJson())).get();
      producer.send(new ProducerRecord<>(topic, "not a manifest event".getBytes())).get();
    }
    try (var h = harness(topic)) {
      h.open();
      h.processElement1(new StreamRecord<>(request("e-4")));
      PartialMatch partial = only(h).partial();
      assertThat(partial.spans()).isNotEmpty();
      assertThat(partial.lengths()).isEqualTo(expected(2).lengths());
    }
  }
}
