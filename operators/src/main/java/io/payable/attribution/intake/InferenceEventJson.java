package io.payable.attribution.intake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.wire.inference.InferenceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One event as JSON: the raw form of an event-level rejection (its batch was accepted, so the
 * signed record is not repeated for each of its events).
 */
public final class InferenceEventJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private InferenceEventJson() {}

  public static byte[] encode(InferenceEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("event_id", e.eventId());
    n.put("worker_id", e.workerId());
    n.put("model_id", e.modelId());
    n.put("adapter_id", e.adapterId());
    n.put("adapter_version", e.adapterVersion());
    n.put("consumer", e.consumer());
    n.put("fee_wei", e.feeWei().toString());
    n.put("price_basis", e.priceBasis().name());
    n.put("price_wei", e.priceWei().toString());
    n.put("output_text", e.outputText());
    n.put("prompt_tokens", e.promptTokens());
    n.put("output_tokens", e.outputTokens());
    n.put("request_time", e.requestTime().toEpochMilli());
    n.put("first_token_time", e.firstTokenTime().toEpochMilli());
    n.put("done_time", e.doneTime().toEpochMilli());
    if (e.querySketch() != null) {
      // Evidence of a sketch_mismatch: the signed sketch and its prompt, base64 of their wire
      // bytes.
      n.put("query_sketch", e.querySketch().bytes());
      n.put("query_prompt", e.querySketch().promptBytes());
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
