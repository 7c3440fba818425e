package io.payable.ingest.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.ingest.record.Rejection;
import java.util.Base64;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * The JSON of a rejection on the {@code datanet.rejections} topic (format version 1): reason code,
 * detail, source position, size, SHA-256 and the raw record in base64.
 */
public final class RejectionJson implements SerializationSchema<Rejection> {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public byte[] serialize(Rejection r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", 1);
    node.put("reason", r.reason());
    node.put("detail", r.detail());
    node.put("topic", r.topic());
    node.put("partition", r.partition());
    node.put("offset", r.offset());
    node.put("size", r.size());
    node.put("sha256", r.sha256());
    node.put("raw_base64", Base64.getEncoder().encodeToString(r.raw()));
    node.put("received_at", r.receivedAt());
    node.put("rejected_at", r.rejectedAt());
    try {
      return JSON.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("A rejection always serializes", e);
    }
  }
}
