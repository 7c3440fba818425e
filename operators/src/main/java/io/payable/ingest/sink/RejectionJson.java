package io.payable.ingest.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.ingest.record.Rejection;
import java.util.Arrays;
import java.util.Base64;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * The JSON of a rejection on the {@code datanet.rejections} and {@code inference.rejections} topics
 * (format version 2): reason code, detail, source position, full size, SHA-256 of the whole raw
 * record, and the first {@code rawPrefixBytes} of it in base64.
 *
 * <p>A rejected record may be as large as its input topic allows, and base64 grows it by a third:
 * copied whole, the rejection of a record near the limit would itself be too large for the
 * rejections topic, and the sink would fail the job on every retry. So the topic carries a bounded
 * prefix, and the rejections table (which has no such limit) the whole record; {@code size} and
 * {@code sha256} tie the two together. {@link #maxEncodedBytes} bounds every encoding.
 */
public final class RejectionJson implements SerializationSchema<Rejection> {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final int VERSION = 2;

  /** The default prefix of the raw record kept on the topic: 64 KiB. */
  public static final int DEFAULT_RAW_PREFIX_BYTES = 64 << 10;

  /** Longest reason code we write; codes are short lower-case names of our own enums. */
  static final int MAX_REASON_CHARS = 64;

  /** Longest Kafka topic name (the broker refuses longer ones). */
  static final int MAX_TOPIC_CHARS = 249;

  private final int rawPrefixBytes;

  public RejectionJson() {
    this(DEFAULT_RAW_PREFIX_BYTES);
  }

  public RejectionJson(int rawPrefixBytes) {
    if (rawPrefixBytes < 0) {
      throw new IllegalArgumentException("rawPrefixBytes must be >= 0: " + rawPrefixBytes);
    }
    this.rawPrefixBytes = rawPrefixBytes;
  }

  /**
   * The largest encoding of any rejection with this prefix size: base64 of the prefix, the detail
   * at 6 bytes a char (a JSON {@code \\u} escape is the worst case), the topic name and reason code
   * likewise, and a fixed allowance for the field names and numbers.
   */
  public static int maxEncodedBytes(int rawPrefixBytes) {
    long base64 = 4L * ((rawPrefixBytes + 2L) / 3);
    long text = 6L * (Rejection.MAX_DETAIL_CHARS + MAX_REASON_CHARS + MAX_TOPIC_CHARS);
    return Math.toIntExact(base64 + text + 512);
  }

  public int maxEncodedBytes() {
    return maxEncodedBytes(rawPrefixBytes);
  }

  @Override
  public byte[] serialize(Rejection r) {
    byte[] raw = r.raw();
    boolean truncated = raw.length > rawPrefixBytes;
    byte[] kept = truncated ? Arrays.copyOf(raw, rawPrefixBytes) : raw;
    ObjectNode node = JSON.createObjectNode();
    node.put("version", VERSION);
    node.put("reason", r.reason());
    node.put("detail", Rejection.boundedDetail(r.detail()));
    node.put("topic", r.topic());
    node.put("partition", r.partition());
    node.put("offset", r.offset());
    node.put("size", r.size());
    node.put("sha256", r.sha256());
    node.put("raw_base64", Base64.getEncoder().encodeToString(kept));
    node.put("raw_truncated", truncated);
    node.put("received_at", r.receivedAt());
    node.put("rejected_at", r.rejectedAt());
    try {
      return JSON.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("A rejection always serializes", e);
    }
  }
}
