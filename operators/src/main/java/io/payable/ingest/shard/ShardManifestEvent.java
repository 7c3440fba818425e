package io.payable.ingest.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An event of the {@code index.manifest} topic (format version 1): a shard became part of a
 * Datanet's index ({@code sealed}). Readers open the shard at {@code path}; since the shard files
 * and this event are committed by the same checkpoint through different committers, a reader that
 * sees the event first retries until the directory appears.
 */
public record ShardManifestEvent(
    String type,
    String datanetId,
    String shardId,
    long sequence,
    String path,
    int documents,
    long symbols,
    String merkleRoot,
    String tokenizer,
    long sealedAt) {

  public static final int VERSION = 1;
  public static final String SEALED = "sealed";
  private static final ObjectMapper JSON = new ObjectMapper();

  public static ShardManifestEvent sealed(SealedShard s, String path) {
    return new ShardManifestEvent(
        SEALED,
        s.datanetId(),
        s.shardId(),
        s.sequence(),
        path,
        s.documents().size(),
        s.symbols(),
        s.merkleRoot(),
        s.tokenizerId(),
        s.sealedAt());
  }

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", VERSION);
    n.put("type", type);
    n.put("datanet_id", datanetId);
    n.put("shard_id", shardId);
    n.put("sequence", sequence);
    n.put("path", path);
    n.put("documents", documents);
    n.put("symbols", symbols);
    n.put("merkle_root", merkleRoot);
    n.put("tokenizer", tokenizer);
    n.put("sealed_at", sealedAt);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a version-1 manifest event
   */
  public static ShardManifestEvent fromJson(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || n.path("version").asInt() != VERSION) {
        throw new IllegalArgumentException("not a version " + VERSION + " manifest event");
      }
      return new ShardManifestEvent(
          n.get("type").asText(),
          n.get("datanet_id").asText(),
          n.get("shard_id").asText(),
          n.get("sequence").asLong(),
          n.get("path").asText(),
          n.get("documents").asInt(),
          n.get("symbols").asLong(),
          n.get("merkle_root").asText(),
          n.get("tokenizer").asText(),
          n.get("sealed_at").asLong());
    } catch (IOException | NullPointerException e) {
      throw new IllegalArgumentException("malformed manifest event", e);
    }
  }
}
