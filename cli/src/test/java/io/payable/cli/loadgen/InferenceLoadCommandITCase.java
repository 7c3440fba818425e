package io.payable.cli.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.cli.PayableCli;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.index.shard.Document;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine;

/** The load generator's events verify as a worker's, and its truth file names what they copy. */
class InferenceLoadCommandITCase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @Test
  void eventsAreSignedAndTheTruthNamesTheCopiedContributors(@TempDir Path dir) throws Exception {
    KAFKA.createTopics(1, "lg.events");
    String alice = "0x" + "a1".repeat(20);
    String text =
        "Whenever I find myself growing grim about the mouth; whenever it is a damp, drizzly"
            + " November in my soul; whenever I find myself involuntarily pausing before coffin"
            + " warehouses, and bringing up the rear of every funeral I meet.";
    new ShardWriter(Tokenizers.byId("o200k_base"))
        .add(new Document("d1", "dn", alice, text))
        .write(dir.resolve("store/dn/shard-0000000001"));
    ECKeyPair key = ECKeyPair.create(BigInteger.valueOf(4242));
    Path keyFile = dir.resolve("worker.key");
    Files.writeString(
        keyFile, org.web3j.utils.Numeric.toHexStringWithPrefixZeroPadded(key.getPrivateKey(), 64));
    Path truth = dir.resolve("truth.jsonl");

    int exit =
        new CommandLine(new PayableCli())
            .execute(
                "loadgen",
                "inference",
                "--count",
                "12",
                "--rate",
                "500",
                "--batch",
                "5",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                "lg.events",
                "--index-store",
                dir.resolve("store").toString(),
                "--adapter",
                "moby",
                "--worker-key",
                "file:" + keyFile,
                "--truth",
                truth.toString(),
                "--planted-share",
                "0.5");
    assertThat(exit).isZero();

    Map<String, InferenceEvent> events = new HashMap<>();
    for (byte[] record : consume("lg.events", 3)) {
      var batch = InferenceEventEnvelope.verify(record);
      assertThat(batch.signer()).isEqualTo(InferenceEventEnvelope.address(key));
      batch.events().forEach(e -> events.put(e.eventId(), e));
    }
    assertThat(events).hasSize(12);
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(truth);
    assertThat(lines).hasSize(12);
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      InferenceEvent e = events.get(n.get("event_id").asText());
      boolean copies = n.has("contributors") && n.get("contributors").size() > 0;
      // A copied passage is 30 consecutive words of Alice's document.
      String[] words = text.split("\\s+");
      boolean found = false;
      for (int s = 0; s + 30 <= words.length; s++) {
        found |= e.outputText().contains(String.join(" ", List.of(words).subList(s, s + 30)));
      }
      assertThat(found).isEqualTo(copies);
      assertThat(e.feeWei()).isPositive();
    }
  }

  private static List<byte[]> consume(String topic, int expected) {
    Properties props = KAFKA.kafka().clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "lg-check");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }
}
