package io.payable.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Test tool: records a hostile producer can put on any topic of the platform, which every job must
 * reject without failing: null and empty values, random bytes of many lengths up to a topic's
 * limit, deeply nested and very wide JSON (with hash-colliding keys), strings that grow when
 * decoded, a lone surrogate, text that is not UTF-8, and JSON of the largest size.
 */
public final class HostileInputs {

  private HostileInputs() {}

  /** A named record value ({@code null}: a record without a value). */
  public record Hostile(String name, byte[] value) {
    @Override
    public String toString() {
      return name + " (" + (value == null ? "null" : value.length + " bytes") + ")";
    }
  }

  /**
   * The records, none larger than {@code maxBytes} (the largest value the topic takes, a little
   * under its {@code max.message.bytes}); the same for the same seed.
   */
  public static List<Hostile> generic(long seed, int maxBytes) {
    Random random = new Random(seed);
    List<Hostile> out = new ArrayList<>();
    out.add(new Hostile("null value", null));
    out.add(new Hostile("empty value", new byte[0]));
    for (int length :
        new int[] {
          1, 2, 3, 5, 17, 255, 4096, 65_535, 65_536, 65_537, 300_000, 1_048_575, 1_048_576,
          1_048_577, maxBytes
        }) {
      if (length <= maxBytes) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        out.add(new Hostile("random " + length, bytes));
      }
    }
    out.add(new Hostile("deep arrays", utf8("[".repeat(50_000) + "]".repeat(50_000))));
    out.add(new Hostile("deep objects", utf8("{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000))));
    StringBuilder wide = new StringBuilder("{");
    for (int i = 0; i < 60_000; i++) {
      wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    out.add(new Hostile("wide object", utf8(wide.append('}').toString())));
    out.add(new Hostile("colliding keys", utf8(collidingKeys(14))));
    out.add(
        new Hostile(
            "escapes that decode",
            utf8("{\"version\":1,\"content\":\"" + "\\u00e9".repeat(170_000) + "\"}")));
    out.add(new Hostile("lone surrogate key", utf8("{\"\\ud800\":[1],\"version\":1}")));
    out.add(
        new Hostile(
            "not UTF-8, near 512 KB",
            ("{\"content\":\"" + "\u00e9".repeat(500_000) + "\"}")
                .getBytes(StandardCharsets.ISO_8859_1)));
    String text = "{\"version\":1,\"content\":\"";
    out.add(
        new Hostile(
            "JSON of the largest size",
            utf8(text + "x".repeat(maxBytes - text.length() - 2) + "\"}")));
    return out;
  }

  /**
   * A JSON object whose 2^{@code bits} keys all have the same {@link String#hashCode()} ("Aa" and
   * "BB" collide, and so does every string of such blocks).
   */
  private static String collidingKeys(int bits) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < 1 << bits; i++) {
      sb.append(i == 0 ? "\"" : ",\"");
      for (int b = 0; b < bits; b++) {
        sb.append(((i >> b) & 1) == 0 ? "Aa" : "BB");
      }
      sb.append("\":0");
    }
    return sb.append('}').toString();
  }

  /**
   * Produces {@code values} in order to partition 0 of {@code topic}, with null keys and assorted
   * headers; returns each value's offset.
   */
  public static List<Long> produce(String bootstrap, String topic, List<byte[]> values)
      throws InterruptedException, ExecutionException {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(64 << 20));
    List<Long> offsets = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < values.size(); i++) {
        RecordHeaders headers = new RecordHeaders();
        if (i % 3 == 1) {
          headers.add(new RecordHeader("h", new byte[] {(byte) 0xff, 0}));
          headers.add(new RecordHeader("", (byte[]) null));
        } else if (i % 3 == 2) {
          headers.add(new RecordHeader("content-type", utf8("application/json")));
        }
        offsets.add(
            producer
                .send(new ProducerRecord<>(topic, 0, null, null, values.get(i), headers))
                .get()
                .offset());
      }
    }
    return offsets;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
