package io.payable.jobs.attribution;

import static io.payable.jobs.attribution.AttributionFixtures.ADAPTER;
import static io.payable.jobs.attribution.AttributionFixtures.D1;
import static io.payable.jobs.attribution.AttributionFixtures.D2;
import static io.payable.jobs.attribution.AttributionFixtures.OPERATOR;
import static io.payable.jobs.attribution.AttributionFixtures.OWNER;
import static io.payable.jobs.attribution.AttributionFixtures.PROTOCOL;
import static io.payable.jobs.attribution.AttributionFixtures.STRANGER;
import static io.payable.jobs.attribution.AttributionFixtures.TREASURY_1;
import static io.payable.jobs.attribution.AttributionFixtures.TREASURY_2;
import static io.payable.jobs.attribution.AttributionFixtures.WORKER;
import static io.payable.jobs.attribution.AttributionFixtures.documents;
import static io.payable.jobs.attribution.AttributionFixtures.event;
import static io.payable.jobs.attribution.AttributionFixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardJson;
import io.payable.attribution.sink.AttributionTables;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.IndexedDocument;
import io.payable.loadgen.PlantedOutput;
import io.payable.loadgen.PlantedOutputs;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attribution job on a MiniCluster with the in-process broker and a local warehouse, over an
 * index of two Datanets spread across two shard groups: planted passages pay exactly their
 * contributors, outputs with no match pay the Datanet treasuries, every fee splits exactly, and
 * every refused record or event lands with its reason.
 */
class AttributionJobITCase extends FlinkMiniClusterTestBase {

  private static final Logger LOG = LoggerFactory.getLogger(AttributionJobITCase.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  static Configuration config(String prefix, Path store, Path cache) {
    return config(KAFKA.bootstrapServers(), WAREHOUSE.warehouse().location(), prefix, cache);
  }

  /** The job's configuration without a chain: fixed workers, adapters and parameters. */
  static Configuration config(String bootstrap, String warehouse, String prefix, Path cache) {
    Configuration config = new Configuration();
    config.set(AttributionOptions.BOOTSTRAP_SERVERS, bootstrap);
    config.set(AttributionOptions.EVENTS_TOPIC, prefix + "inference.events");
    config.set(AttributionOptions.REJECTIONS_TOPIC, prefix + "inference.rejections");
    config.set(AttributionOptions.REWARDS_TOPIC, prefix + "rewards.attributed");
    config.set(AttributionOptions.MANIFEST_TOPIC, prefix + "index.manifest");
    config.set(AttributionOptions.GROUP_ID, prefix + "attribution");
    config.set(AttributionOptions.TRANSACTIONAL_ID_PREFIX, prefix + "attribution");
    config.set(AttributionOptions.PROTOCOL_TREASURY, PROTOCOL);
    config.set(
        AttributionOptions.WORKERS, Map.of(InferenceEventEnvelope.address(WORKER), OPERATOR));
    config.set(AttributionOptions.ADAPTERS, List.of(ADAPTER + "|" + OWNER + "|" + D1 + "+" + D2));
    config.set(AttributionOptions.DATANET_TREASURIES, Map.of(D1, TREASURY_1, D2, TREASURY_2));
    config.set(AttributionOptions.MIN_SPAN_TOKENS, 8);
    config.set(AttributionOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    config.set(AttributionOptions.INDEX_CACHE_DIR, cache.toString());
    config.set(IcebergOptions.WAREHOUSE, warehouse);
    return config;
  }

  static void createTopics(String prefix) {
    KAFKA.createTopics(2, prefix + "inference.events");
    KAFKA.createTopics(
        1,
        prefix + "inference.rejections",
        prefix + "rewards.attributed",
        prefix + "index.manifest");
  }

  static byte[] json(ShardManifestEvent e) {
    return e.toJson();
  }

  @Test
  void plantedPassagesPayTheirContributorsAndEveryFeeSplitsExactly(
      @TempDir Path store, @TempDir Path cache) throws Exception {
    String prefix = "main.";
    createTopics(prefix);
    Random random = new Random(7);
    List<IndexedDocument> d1 = documents(random, D1, 0, 4);
    List<IndexedDocument> d1b = documents(random, D1, 4, 2);
    List<IndexedDocument> d2 = documents(random, D2, 6, 3);
    List<byte[]> manifest = new ArrayList<>();
    manifest.add(json(AttributionFixtures.shard(store, D1, 1, d1)));
    manifest.add(json(AttributionFixtures.shard(store, D1, 2, d1b)));
    manifest.add(json(AttributionFixtures.shard(store, D2, 1, d2)));
    PlatformIo.produce(KAFKA.kafka(), prefix + "index.manifest", manifest);

    List<IndexedDocument> all = new ArrayList<>(d1);
    all.addAll(d1b);
    all.addAll(d2);
    PlantedOutputs outputs = new PlantedOutputs(all, 11, 0.8, 30);
    Map<String, Set<String>> truth = new HashMap<>();
    Map<String, BigInteger> fees = new HashMap<>();
    List<InferenceEvent> accepted = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      PlantedOutput out = outputs.next(90);
      BigInteger price = BigInteger.valueOf(1 + random.nextInt(1_000_000)).pow(2);
      InferenceEvent e = event("ev-" + i, ADAPTER, out.text(), price);
      accepted.add(e);
      truth.put(e.eventId(), out.contributors());
      fees.put(e.eventId(), e.feeWei());
    }
    List<byte[]> records = new ArrayList<>();
    for (int b = 0; b < accepted.size(); b += 10) {
      records.add(signed(accepted.subList(b, b + 10)));
    }
    Map<String, Integer> expected = new HashMap<>();
    // Record-level: garbage, and a batch signed by a key that is no registered worker.
    records.add("not an envelope".getBytes(StandardCharsets.UTF_8));
    expected.put("truncated", 1);
    InferenceEvent stranger =
        new InferenceEvent(
            "ev-stranger",
            InferenceEventEnvelope.address(STRANGER),
            "tiny-base",
            ADAPTER,
            "1",
            "0xcc",
            BigInteger.TEN,
            InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
            BigInteger.ONE,
            "text",
            1,
            10,
            java.time.Instant.now(),
            java.time.Instant.now(),
            java.time.Instant.now());
    records.add(InferenceEventEnvelope.sign(List.of(stranger), STRANGER));
    expected.put("unknown_worker", 1);
    // Event-level: a replayed event, an unknown adapter, a zero fee (one batch of three).
    InferenceEvent replayed = accepted.get(3);
    InferenceEvent unknownAdapter = event("ev-x1", "no-such-adapter", "hello", BigInteger.ONE);
    InferenceEvent free = event("ev-x2", ADAPTER, "hello there", BigInteger.ZERO);
    records.add(signed(List.of(replayed, unknownAdapter, free)));
    expected.put("duplicate_event", 1);
    expected.put("unknown_adapter", 1);
    expected.put("non_positive_fee", 1);
    PlatformIo.produce(KAFKA.kafka(), prefix + "inference.events", records);

    Configuration config = config(prefix, store, cache);
    config.set(AttributionOptions.STOP_AT_LATEST, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    AttributionJob.build(env, config);
    env.execute("attribution-it");

    List<Record> rows = PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.ATTRIBUTIONS);
    Map<String, List<Record>> byEvent =
        rows.stream().collect(Collectors.groupingBy(r -> (String) r.getField("event_id")));
    assertThat(byEvent.keySet()).isEqualTo(truth.keySet());
    // Every fee splits exactly.
    byEvent.forEach(
        (id, payouts) ->
            assertThat(
                    payouts.stream()
                        .map(r -> (BigDecimal) r.getField("amount_wei"))
                        .reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo(new BigDecimal(fees.get(id))));

    // Precision and recall of contributor sets over the planted events.
    int truePositives = 0;
    int predicted = 0;
    int actual = 0;
    for (var entry : truth.entrySet()) {
      Set<String> credited =
          byEvent.get(entry.getKey()).stream()
              .filter(r -> "contributor".equals(r.getField("role")))
              .map(r -> (String) r.getField("recipient"))
              .collect(Collectors.toSet());
      Set<String> hit = new HashSet<>(credited);
      hit.retainAll(entry.getValue());
      truePositives += hit.size();
      predicted += credited.size();
      actual += entry.getValue().size();
      if (entry.getValue().isEmpty()) {
        // No match: the data pool goes to the Datanet treasuries.
        assertThat(byEvent.get(entry.getKey()))
            .anySatisfy(r -> assertThat(r.getField("role")).isEqualTo("datanet_treasury"))
            .allSatisfy(r -> assertThat(r.getField("attributed")).isEqualTo(false));
      }
    }
    double precision = (double) truePositives / predicted;
    double recall = (double) truePositives / actual;
    LOG.info(
        "planted contributors: precision {} recall {} ({} credited, {} planted)",
        precision,
        recall,
        predicted,
        actual);
    assertThat(precision).isGreaterThanOrEqualTo(0.95);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
    assertThat(truth.values().stream().filter(Set::isEmpty).count()).isPositive();

    // rewards.attributed: one committed record per event, each summing to its fee.
    List<JsonNode> rewards =
        PlatformIo.consume(KAFKA.kafka(), prefix + "rewards.attributed", truth.size());
    assertThat(rewards).hasSize(truth.size());
    List<AttributedReward> decoded =
        rewards.stream()
            .map(n -> AttributedRewardJson.decode(n.toString().getBytes(StandardCharsets.UTF_8)))
            .toList();
    assertThat(decoded.stream().map(AttributedReward::eventId).collect(Collectors.toSet()))
        .isEqualTo(truth.keySet());
    decoded.forEach(r -> assertThat(r.feeWei()).isEqualTo(fees.get(r.eventId())));

    // Spans: every attributed event has at least one, with text from the index.
    List<Record> spans = PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.SPANS);
    assertThat(spans.stream().map(r -> r.getField("event_id")).collect(Collectors.toSet()))
        .containsAll(
            truth.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .toList());

    // Rejections: per reason, in the table and on the topic; events reconcile.
    List<Record> rejectionRows =
        PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.REJECTIONS);
    assertThat(countBy(rejectionRows.stream().map(r -> (String) r.getField("reason")).toList()))
        .isEqualTo(expected);
    List<JsonNode> rejectionEvents =
        PlatformIo.consume(KAFKA.kafka(), prefix + "inference.rejections", 5);
    assertThat(countBy(rejectionEvents.stream().map(n -> n.get("reason").asText()).toList()))
        .isEqualTo(expected);
    // The three event-level rejections are exactly the replayed, unknown-adapter and free events,
    // each under its own reason, in the table and on the topic (their raw record is the event).
    Map<String, String> eventLevel =
        Map.of(
            replayed.eventId(), "duplicate_event",
            unknownAdapter.eventId(), "unknown_adapter",
            free.eventId(), "non_positive_fee");
    Map<String, String> tableEvents = new HashMap<>();
    for (Record r : rejectionRows) {
      String reason = (String) r.getField("reason");
      if (eventLevel.containsValue(reason)) {
        ByteBuffer raw = ((ByteBuffer) r.getField("raw")).duplicate();
        byte[] bytes = new byte[raw.remaining()];
        raw.get(bytes);
        tableEvents.put(MAPPER.readTree(bytes).get("event_id").asText(), reason);
      }
    }
    assertThat(tableEvents).isEqualTo(eventLevel);
    Map<String, String> topicEvents = new HashMap<>();
    for (JsonNode n : rejectionEvents) {
      String reason = n.get("reason").asText();
      if (eventLevel.containsValue(reason)) {
        byte[] bytes = Base64.getDecoder().decode(n.get("raw_base64").asText());
        topicEvents.put(MAPPER.readTree(bytes).get("event_id").asText(), reason);
      }
    }
    assertThat(topicEvents).isEqualTo(eventLevel);
    // The replayed event was attributed once (its payouts sum to one fee, checked above); the two
    // others not at all.
    assertThat(byEvent).doesNotContainKeys(unknownAdapter.eventId(), free.eventId());
  }

  @Test
  void aShardSealedWhileTheJobRunsBecomesSearchable(@TempDir Path store, @TempDir Path cache)
      throws Exception {
    String prefix = "live.";
    createTopics(prefix);
    Random random = new Random(21);
    List<IndexedDocument> first = documents(random, D1, 0, 2);
    PlatformIo.produce(
        KAFKA.kafka(),
        prefix + "index.manifest",
        List.of(json(AttributionFixtures.shard(store, D1, 1, first))));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    AttributionJob.build(env, config(prefix, store, cache));
    JobClient job = env.executeAsync("attribution-live-it");
    try {
      // A contributor whose documents are not indexed yet: their passage pays the treasuries.
      List<IndexedDocument> later = documents(random, D1, 9, 1);
      String newcomer = later.get(0).contributor();
      PlantedOutputs fromLater = new PlantedOutputs(later, 5, 1.0, 30);
      String before = fromLater.next(60).text();
      PlatformIo.produce(
          KAFKA.kafka(),
          prefix + "inference.events",
          List.of(signed(List.of(event("before", ADAPTER, before, BigInteger.TEN)))));
      assertThat(AttributionFixtures.credited(KAFKA.kafka(), prefix, "before"))
          .doesNotContain(newcomer);

      // The ingest job seals a shard with them; the running job opens it.
      PlatformIo.produce(
          KAFKA.kafka(),
          prefix + "index.manifest",
          List.of(json(AttributionFixtures.shard(store, D1, 2, later))));
      boolean found = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      for (int i = 0; !found && System.nanoTime() < deadline; i++) {
        String id = "after-" + i;
        PlatformIo.produce(
            KAFKA.kafka(),
            prefix + "inference.events",
            List.of(
                signed(List.of(event(id, ADAPTER, fromLater.next(60).text(), BigInteger.TEN)))));
        found = AttributionFixtures.credited(KAFKA.kafka(), prefix, id).contains(newcomer);
      }
      assertThat(found).as("a passage of the new shard is attributed without a restart").isTrue();
    } finally {
      job.cancel().get();
    }
  }

  private static Map<String, Integer> countBy(List<String> values) {
    Map<String, Integer> out = new HashMap<>();
    values.forEach(v -> out.merge(v, 1, Integer::sum));
    return out;
  }
}
