package io.payable.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.index.query.ShardedIndex;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.submission.RejectionReason;
import io.payable.jobs.common.IcebergOptions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;

/**
 * A mixed stream of valid submissions and every kind of invalid one goes through the ingest job on
 * a MiniCluster with the in-process broker and a local warehouse: each lands in exactly one place,
 * with the right reason, and received = accepted + rejected.
 */
class IngestJobITCase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(
                  new Configuration().set(RestartStrategyOptions.RESTART_STRATEGY, "none"))
              .build());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  private static final long CHAIN_ID = 31337;
  private static final Eip712Domain DOMAIN = Eip712Domain.payableDatanets(CHAIN_ID, REGISTRY);
  private static final String OPEN = "0x" + "aa".repeat(32);
  private static final String CLOSED = "0x" + "bb".repeat(32);
  private static final String UNKNOWN = "0x" + "cc".repeat(32);
  private static final int MAX_BYTES = 4096;

  private static final List<Credentials> CONTRIBUTORS = List.of(key(1001), key(1002), key(1003));

  @Test
  void everySubmissionIsAcceptedOrRejectedWithItsReason(@TempDir java.nio.file.Path store)
      throws Exception {
    KAFKA.createTopics(1, "datanet.submissions");
    KAFKA.createTopics(2, "datanet.rejections", "index.manifest");

    List<byte[]> records = new ArrayList<>();
    Map<RejectionReason, Integer> expectedRejections = new HashMap<>();
    int expectedAccepted = 0;
    for (int c = 0; c < CONTRIBUTORS.size(); c++) {
      for (int n = 1; n <= 5; n++) {
        records.add(signed(CONTRIBUTORS.get(c), OPEN, n, passage(c, n)));
        expectedAccepted++;
      }
    }
    // The same signed record again: its nonce is used up.
    records.add(signed(CONTRIBUTORS.get(0), OPEN, 3, passage(0, 3)));
    expect(expectedRejections, RejectionReason.REPLAYED_NONCE);
    // Another contributor sends content that is already in the Datanet.
    records.add(signed(CONTRIBUTORS.get(1), OPEN, 6, passage(2, 1)));
    expect(expectedRejections, RejectionReason.DUPLICATE_CONTENT);
    records.add(signed(CONTRIBUTORS.get(2), OPEN, 7, "Too short."));
    expect(expectedRejections, RejectionReason.TOO_SHORT);
    records.add(signed(CONTRIBUTORS.get(0), CLOSED, 10, passage(0, 10)));
    expect(expectedRejections, RejectionReason.CLOSED_DATANET);
    records.add(signed(CONTRIBUTORS.get(0), UNKNOWN, 11, passage(0, 11)));
    expect(expectedRejections, RejectionReason.UNKNOWN_DATANET);
    records.add(signedBy(CONTRIBUTORS.get(1), CONTRIBUTORS.get(0), OPEN, 12, passage(0, 12)));
    expect(expectedRejections, RejectionReason.SIGNER_MISMATCH);
    records.add(withSignature(signed(CONTRIBUTORS.get(0), OPEN, 13, passage(0, 13)), badV()));
    expect(expectedRejections, RejectionReason.BAD_SIGNATURE);
    records.add(("{\"version\":1,\"content\":\"x\"" + " ".repeat(MAX_BYTES) + "}").getBytes());
    expect(expectedRejections, RejectionReason.TOO_LARGE);
    records.add(new byte[] {'{', (byte) 0xFF, '}'});
    expect(expectedRejections, RejectionReason.INVALID_UTF8);
    records.add("not json at all".getBytes(StandardCharsets.UTF_8));
    expect(expectedRejections, RejectionReason.NOT_JSON);
    records.add("{\"version\":9}".getBytes(StandardCharsets.UTF_8));
    expect(expectedRejections, RejectionReason.UNSUPPORTED_VERSION);
    records.add(null); // a Kafka tombstone: no value at all
    expect(expectedRejections, RejectionReason.MISSING_FIELD);
    records.add(withField(signed(CONTRIBUTORS.get(0), OPEN, 14, passage(0, 14)), "nonce", "-5"));
    expect(expectedRejections, RejectionReason.MALFORMED_FIELD);
    produce(records);

    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.MAX_SUBMISSION_BYTES, MAX_BYTES);
    config.set(IngestOptions.DATANET_REGISTRY, REGISTRY);
    config.set(IngestOptions.CHAIN_ID, CHAIN_ID);
    config.set(IngestOptions.DATANETS, Map.of(OPEN, "OPEN", CLOSED, "CLOSED"));
    config.set(IngestOptions.STOP_AT_LATEST, true);
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    config.set(IngestOptions.INDEX_STORE, store.toUri().toString());
    // Small shards, so that the 15 accepted contributions seal several of them.
    config.set(IngestOptions.SHARD_MAX_SYMBOLS, 80L);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    IngestJob.build(env, config);
    env.execute("ingest-it");

    List<Record> contributions = rows(IngestTables.CONTRIBUTIONS);
    List<Record> rejectionRows = rows(IngestTables.REJECTIONS);
    List<JsonNode> rejectionEvents =
        consume("datanet.rejections", expectedRejections.values().stream().mapToInt(i -> i).sum());
    List<Record> shardRows = rows(IngestTables.INDEX_SHARDS);

    assertThat(contributions).hasSize(expectedAccepted);
    assertThat(contributions.stream().map(r -> r.getField("contribution_id")).distinct())
        .hasSize(expectedAccepted);
    assertThat(contributions)
        .allSatisfy(r -> assertThat((int) r.getField("token_count")).isGreaterThanOrEqualTo(8));
    Map<String, Long> expectedByCode =
        expectedRejections.entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().code(), e -> (long) e.getValue()));
    assertThat(countBy(rejectionRows.stream().map(r -> (String) r.getField("reason")).toList()))
        .isEqualTo(expectedByCode);
    assertThat(countBy(rejectionEvents.stream().map(j -> j.get("reason").asText()).toList()))
        .isEqualTo(expectedByCode);
    // Counts reconcile: every record produced is accepted or rejected, none twice.
    assertThat(contributions.size() + rejectionRows.size()).isEqualTo(records.size());
    // Every accepted contribution is in exactly one sealed, committed, searchable shard.
    assertThat(shardRows).hasSizeGreaterThan(1);
    assertThat(shardRows.stream().mapToInt(r -> (int) r.getField("documents")).sum())
        .isEqualTo(expectedAccepted);
    Set<Object> shardIds =
        shardRows.stream().map(r -> r.getField("shard_id")).collect(Collectors.toSet());
    assertThat(shardIds).hasSize(shardRows.size());
    assertThat(contributions)
        .allSatisfy(r -> assertThat(shardIds).contains(r.getField("shard_id")));
    List<JsonNode> manifest = consume("index.manifest", shardRows.size());
    assertThat(manifest.stream().map(m -> (Object) m.get("shard_id").asText()).toList())
        .containsExactlyInAnyOrderElementsOf(shardIds);
    java.nio.file.Path datanetIndex = store.resolve(OPEN);
    try (ShardedIndex index = ShardedIndex.open(datanetIndex)) {
      assertThat(index.shards()).hasSize(shardRows.size());
      assertThat(index.count(passage(1, 4))).isEqualTo(1);
      assertThat(index.count(" about whales, ships and the long patience of the sea."))
          .isEqualTo(expectedAccepted);
    }
    try (var leftovers = java.nio.file.Files.list(datanetIndex.resolve(".staging"))) {
      assertThat(leftovers).as("no staged shard left uncommitted").isEmpty();
    }
    // Rejections carry the raw record and its digest, for audit and replay.
    assertThat(rejectionRows)
        .allSatisfy(
            r -> {
              byte[] raw = toBytes(r.getField("raw"));
              assertThat(r.getField("size")).isEqualTo(raw.length);
              assertThat(r.getField("sha256")).isEqualTo(sha256(raw));
            });
  }

  private static void expect(Map<RejectionReason, Integer> expected, RejectionReason reason) {
    expected.merge(reason, 1, Integer::sum);
  }

  private static Map<String, Long> countBy(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
  }

  /** Distinct text per contributor and nonce, long enough to pass the minimum token count. */
  private static String passage(int contributor, int nonce) {
    return "Contributor "
        + contributor
        + " writes passage number "
        + nonce
        + " about whales, ships and the long patience of the sea.";
  }

  private static Credentials key(long seed) {
    return Credentials.create(
        ECKeyPair.create(BigInteger.valueOf(seed).shiftLeft(64).add(BigInteger.valueOf(seed))));
  }

  private static byte[] signed(Credentials who, String datanet, long nonce, String content) {
    return signedBy(who, who, datanet, nonce, content);
  }

  private static byte[] signedBy(
      Credentials signer, Credentials claimed, String datanet, long nonce, String content) {
    long timestamp = 1_800_000_000L + nonce;
    Contribution c =
        new Contribution(
            org.web3j.utils.Numeric.hexStringToByteArray(datanet),
            Hash.sha3(content.getBytes(StandardCharsets.UTF_8)),
            BigInteger.valueOf(nonce),
            timestamp);
    String signature = ContributionSignatures.sign(DOMAIN, c, signer);
    var node = JSON.createObjectNode();
    node.put("version", 1);
    node.put("datanet_id", datanet);
    node.put("contributor", claimed.getAddress());
    node.put("nonce", Long.toString(nonce));
    node.put("timestamp", timestamp);
    node.put("content", content);
    node.put("license", "CC-BY-4.0");
    node.put("signature", signature);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] withSignature(byte[] record, String signature) {
    return withField(record, "signature", signature);
  }

  private static byte[] withField(byte[] record, String field, String value) {
    try {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(record);
      node.put(field, value);
      return node.toString().getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A well-formed 65-byte signature whose recovery id is invalid. */
  private static String badV() {
    return "0x" + "11".repeat(64) + "63";
  }

  private static void produce(List<byte[]> values) {
    Properties props = KAFKA.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>("datanet.submissions", value));
      }
      producer.flush();
    }
  }

  private static List<Record> rows(org.apache.iceberg.catalog.TableIdentifier id)
      throws java.io.IOException {
    Table table = WAREHOUSE.warehouse().catalog().loadTable(id);
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> out.add(r.copy()));
    }
    return out;
  }

  private static List<JsonNode> consume(String topic, int expected) throws java.io.IOException {
    Properties props = KAFKA.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "ingest-it-check-" + topic);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int quietPolls = 0;
      while (System.nanoTime() < deadline && quietPolls < 3) {
        var polled = consumer.poll(Duration.ofMillis(300));
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          out.add(JSON.readTree(r.value()));
        }
        quietPolls = out.size() >= expected && polled.isEmpty() ? quietPolls + 1 : 0;
      }
    }
    return out;
  }

  private static byte[] toBytes(Object binary) {
    java.nio.ByteBuffer buffer = ((java.nio.ByteBuffer) binary).duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
