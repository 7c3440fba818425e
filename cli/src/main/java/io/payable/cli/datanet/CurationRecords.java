package io.payable.cli.datanet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** Records of the curation topic (docs/formats.md), and publishing them. */
final class CurationRecords {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CurationRecords() {}

  static byte[] withdrawal(
      String datanetId, String contributionId, String contributor, long timestamp, String sig) {
    ObjectNode n = base("withdrawal", datanetId, contributionId, contributor);
    n.put("timestamp", timestamp);
    n.put("signature", sig);
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] flagUpheld(
      String datanetId, String contributionId, String contributor, String txHash) {
    ObjectNode n = base("flag_upheld", datanetId, contributionId, contributor);
    n.put("tx_hash", txHash);
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode base(
      String type, String datanetId, String contributionId, String contributor) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", 1);
    n.put("type", type);
    n.put("datanet_id", datanetId.toLowerCase());
    n.put("contribution_id", contributionId.toLowerCase());
    n.put("contributor", contributor.toLowerCase());
    return n;
  }

  /** Publishes one record keyed by its Datanet and waits for the broker's acknowledgement. */
  static void publish(String bootstrap, String topic, String datanetId, byte[] value)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer
          .send(new ProducerRecord<>(topic, datanetId.getBytes(StandardCharsets.UTF_8), value))
          .get();
    }
  }

  /** A bytes32 given as 0x-hex, or the keccak-256 of the text otherwise (reason codes). */
  static byte[] bytes32(String hexOrText) {
    if (hexOrText.matches("0x[0-9a-fA-F]{64}")) {
      return Numeric.hexStringToByteArray(hexOrText);
    }
    return Hash.sha3(hexOrText.getBytes(StandardCharsets.UTF_8));
  }

  /** A 0x-hex bytes32 id, checked. */
  static byte[] id(String hex, String what) {
    if (hex == null || !hex.matches("0x[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(what + " must be a 0x-hex bytes32, not " + hex);
    }
    return Numeric.hexStringToByteArray(hex);
  }
}
