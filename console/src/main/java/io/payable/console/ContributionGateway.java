package io.payable.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.merkle.LeafHashTree;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.Shard;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.submission.Submission;
import io.payable.ingest.submission.SubmissionWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

/**
 * Contributions from a browser wallet: the EIP-712 typed data the wallet signs ({@code
 * eth_signTypedData_v4}), the signed submission published to the submissions topic exactly as
 * {@code payable datanet submit} does, and afterwards its fate: pending, accepted (with the anchor
 * proof once its shard is anchored) or rejected with the ingest job's reason.
 */
final class ContributionGateway implements AutoCloseable {

  /** Where a submission this Console published landed, to find its rejection. */
  private record Published(String topic, int partition, long offset) {}

  private final ChainReads chain;
  private final Warehouse warehouse;
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, Published> published = new ConcurrentHashMap<>();

  ContributionGateway(ConsoleConfig config, ChainReads chain, Warehouse warehouse, String topic) {
    this.chain = chain;
    this.warehouse = warehouse;
    this.topic = topic;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(props);
  }

  /**
   * The contribution id: keccak256(abi.encode(datanetId, contributor, nonce)) (docs/formats.md).
   */
  static String contributionId(String datanetId, String contributor, BigInteger nonce) {
    String encoded =
        TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(datanetId)))
            + TypeEncoder.encode(new Address(contributor))
            + TypeEncoder.encode(new Uint256(nonce));
    return Hash.sha3("0x" + encoded);
  }

  /** {@code eth_signTypedData_v4} typed data of a Contribution in the Payable Datanets domain. */
  static ObjectNode typedData(
      long chainId,
      String datanetRegistry,
      String datanetId,
      String contentHash,
      BigInteger nonce,
      long timestamp) {
    ObjectNode root = Json.object();
    ObjectNode types = root.putObject("types");
    ArrayNode domainType = types.putArray("EIP712Domain");
    field(domainType, "name", "string");
    field(domainType, "version", "string");
    field(domainType, "chainId", "uint256");
    field(domainType, "verifyingContract", "address");
    ArrayNode contribution = types.putArray("Contribution");
    field(contribution, "datanetId", "bytes32");
    field(contribution, "contentHash", "bytes32");
    field(contribution, "nonce", "uint256");
    field(contribution, "timestamp", "uint64");
    root.put("primaryType", "Contribution");
    ObjectNode domain = root.putObject("domain");
    domain.put("name", "Payable Datanets");
    domain.put("version", "1");
    domain.put("chainId", chainId);
    domain.put("verifyingContract", datanetRegistry);
    ObjectNode message = root.putObject("message");
    message.put("datanetId", datanetId);
    message.put("contentHash", contentHash);
    message.put("nonce", nonce.toString());
    message.put("timestamp", timestamp);
    return root;
  }

  private static void field(ArrayNode type, String name, String solidityType) {
    type.addObject().put("name", name).put("type", solidityType);
  }

  /** POST /api/contributions/prepare: the nonce, timestamp and typed data to sign. */
  Object prepare(Request request) {
    JsonNode body = request.json();
    String datanet = bytes32(Request.text(body, "datanet_id"), "datanet_id");
    String contributor = address(Request.text(body, "contributor"));
    String content = Request.text(body, "content");
    // As the CLI: microseconds since the epoch, which keeps growing across sessions and tools.
    BigInteger nonce =
        BigInteger.valueOf(Instant.now().toEpochMilli())
            .multiply(BigInteger.valueOf(1000))
            .add(BigInteger.valueOf(System.nanoTime() / 1000 % 1000));
    long timestamp = Instant.now().getEpochSecond();
    String contentHash = Numeric.toHexString(Contribution.contentHash(content));
    ObjectNode out = Json.object();
    out.put("datanet_id", datanet);
    out.put("contributor", contributor);
    out.put("nonce", nonce.toString());
    out.put("timestamp", timestamp);
    out.put("content_hash", contentHash);
    out.put("contribution_id", contributionId(datanet, contributor, nonce));
    out.set(
        "typed_data",
        typedData(
            chain.deployment().chainId(),
            chain.deployment().datanetRegistry(),
            datanet,
            contentHash,
            nonce,
            timestamp));
    return out;
  }

  /** POST /api/contributions: publishes the signed submission for the ingest job. */
  Object submit(Request request) throws Exception {
    JsonNode body = request.json();
    String datanet = bytes32(Request.text(body, "datanet_id"), "datanet_id");
    String contributor = address(Request.text(body, "contributor"));
    String content = Request.text(body, "content");
    BigInteger nonce;
    long timestamp;
    try {
      nonce = new BigInteger(Request.text(body, "nonce"));
      timestamp = Long.parseLong(Request.text(body, "timestamp"));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("nonce and timestamp must be decimal integers");
    }
    String signature = Request.text(body, "signature");
    if (!signature.matches("0x[0-9a-fA-F]{130}")) {
      throw ApiException.badRequest("The signature must be 65 bytes of 0x-hex");
    }
    Submission submission =
        new Submission(
            Numeric.hexStringToByteArray(datanet),
            contributor,
            nonce,
            timestamp,
            content,
            Contribution.contentHash(content),
            Request.optionalText(body, "license"),
            Map.of("source", "console"),
            Numeric.hexStringToByteArray(signature));
    RecordMetadata meta =
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    contributor.getBytes(StandardCharsets.UTF_8),
                    SubmissionWriter.toJson(submission)))
            .get(20, TimeUnit.SECONDS);
    String id = contributionId(datanet, contributor, nonce);
    published.put(id, new Published(meta.topic(), meta.partition(), meta.offset()));
    ObjectNode out = Json.object();
    out.put("contribution_id", id);
    out.put("status", "pending");
    out.put("topic", meta.topic());
    out.put("partition", meta.partition());
    out.put("offset", meta.offset());
    return out;
  }

  /** GET /api/contributions/{id}: pending, accepted (with anchor) or rejected (with reason). */
  Object status(Request request) throws Exception {
    String id = request.param(0).toLowerCase(Locale.ROOT);
    ObjectNode out = Json.object();
    out.put("contribution_id", id);
    List<Record> accepted =
        warehouse.rows(IngestTables.CONTRIBUTIONS, Expressions.equal("contribution_id", id));
    if (!accepted.isEmpty()) {
      Record r = accepted.get(0);
      out.put("status", "accepted");
      out.set("contribution", DatanetsApi.contribution(r));
      out.set("anchor", anchor(r));
      return out;
    }
    Published p = published.get(id);
    if (p == null) {
      throw ApiException.notFound(
          "No accepted contribution " + id + " (and none submitted through this Console)");
    }
    List<Record> rejected =
        warehouse.rows(
            IngestTables.REJECTIONS,
            Expressions.and(
                Expressions.equal("source_topic", p.topic()),
                Expressions.and(
                    Expressions.equal("source_partition", p.partition()),
                    Expressions.equal("source_offset", p.offset()))));
    if (!rejected.isEmpty()) {
      out.put("status", "rejected");
      out.put("reason", (String) rejected.get(0).getField("reason"));
      out.put("detail", (String) rejected.get(0).getField("detail"));
    } else {
      out.put("status", "pending");
    }
    out.put("topic", p.topic());
    out.put("partition", p.partition());
    out.put("offset", p.offset());
    return out;
  }

  /**
   * The inclusion proof of an accepted contribution in its shard's Merkle root, recomputed from the
   * shard files, and whether the chain holds that root: as {@code payable datanet proof}.
   */
  private ObjectNode anchor(Record contribution) throws Exception {
    ObjectNode out = Json.object();
    String shardId = (String) contribution.getField("shard_id");
    if (shardId == null) {
      out.put("state", "not_sealed");
      return out;
    }
    Record shard = null;
    for (Record r : warehouse.rows(IngestTables.INDEX_SHARDS)) {
      if (shardId.equals(r.getField("shard_id")) && shard == null) {
        shard = r;
      }
    }
    // A compacted shard holds the contribution now; its root is anchored too.
    for (Record r : warehouse.rows(IngestTables.INDEX_SHARDS)) {
      if (((List<?>) r.getField("supersedes")).contains(shardId)) {
        shard = r;
      }
    }
    if (shard == null) {
      out.put("state", "not_sealed");
      return out;
    }
    String id = (String) contribution.getField("contribution_id");
    Shard files = Shard.open(Paths.get(URI.create((String) shard.getField("path"))));
    List<byte[]> leaves = new ArrayList<>();
    int index = -1;
    for (DocumentRecord doc : files.documents()) {
      if (doc.docId().equals(id)) {
        index = leaves.size();
      }
      leaves.add(LeafHashTree.bytes32LeafHash(Numeric.hexStringToByteArray(doc.contentHash())));
    }
    String datanet = (String) contribution.getField("datanet_id");
    String sealedShard = (String) shard.getField("shard_id");
    out.put("shard_id", sealedShard);
    if (index < 0) {
      out.put("state", "not_in_shard");
      return out;
    }
    LeafHashTree tree = LeafHashTree.of(leaves);
    out.put("leaf", Numeric.toHexString(leaves.get(index)));
    ArrayNode proof = out.putArray("proof");
    tree.proof(index).forEach(p -> proof.add(Numeric.toHexString(p)));
    out.put("root", tree.rootHex());
    Optional<byte[]> onChain = chain.anchoredRoot(datanet, sealedShard);
    out.put(
        "state",
        onChain.isEmpty()
            ? "sealed_not_anchored"
            : java.util.Arrays.equals(onChain.get(), tree.root()) ? "anchored" : "root_mismatch");
    out.put("registry", chain.deployment().datanetRegistry());
    return out;
  }

  private static String bytes32(String hex, String field) {
    if (!hex.matches("0x[0-9a-fA-F]{64}")) {
      throw ApiException.badRequest(field + " must be 32 bytes of 0x-hex");
    }
    return hex.toLowerCase(Locale.ROOT);
  }

  private static String address(String hex) {
    if (!WalletUtils.isValidAddress(hex) || !hex.startsWith("0x")) {
      throw ApiException.badRequest("Not an address: " + hex);
    }
    return hex.toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(2));
  }
}
