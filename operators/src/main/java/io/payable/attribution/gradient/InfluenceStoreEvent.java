package io.payable.attribution.gradient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * An adapter's influence store became available (topic {@code influence.manifest}, docs/formats.md
 * "Influence manifest events"): where its store, its adapter and its base model lie, and the
 * store's SHA-256 from the training manifest. The gradient scorer opens the store when it first
 * scores an event of the adapter and refuses one whose hash differs.
 *
 * @param adapterId the adapter id events name
 * @param store path of {@code influence-store.bin}
 * @param sha256 lower-case hex SHA-256 of the store, as the training manifest pins it
 * @param adapterDir the PEFT adapter directory (the audit's weights and projection seed)
 * @param baseModelDir the base model directory (config, weights, tokenizer)
 */
public record InfluenceStoreEvent(
    String adapterId, String store, String sha256, String adapterDir, String baseModelDir)
    implements ScorerBroadcast {

  public static final int VERSION = 1;
  public static final String TYPE = "influence_store";
  private static final ObjectMapper JSON = new ObjectMapper();

  public InfluenceStoreEvent {
    Objects.requireNonNull(adapterId, "adapter_id");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(adapterDir, "adapter_dir");
    Objects.requireNonNull(baseModelDir, "base_model_dir");
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 is not 64 lower-case hex digits");
    }
  }

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", VERSION);
    n.put("type", TYPE);
    n.put("adapter_id", adapterId);
    n.put("store", store);
    n.put("sha256", sha256);
    n.put("adapter_dir", adapterDir);
    n.put("base_model_dir", baseModelDir);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws IllegalArgumentException for anything but a version 1 influence store event
   */
  public static InfluenceStoreEvent fromJson(byte[] json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
    if (n == null
        || n.path("version").asInt() != VERSION
        || !TYPE.equals(n.path("type").asText())) {
      throw new IllegalArgumentException("not a version 1 influence_store event");
    }
    return new InfluenceStoreEvent(
        text(n, "adapter_id"),
        text(n, "store"),
        text(n, "sha256"),
        text(n, "adapter_dir"),
        text(n, "base_model_dir"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(field + " missing");
    }
    return v.asText();
  }
}
