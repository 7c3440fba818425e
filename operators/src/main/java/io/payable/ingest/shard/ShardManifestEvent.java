package io.payable.ingest.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An event of the {@code index.manifest} topic (format version 1): a shard became part of a
 * Datanet's index ({@code sealed}), or a shard merged from smaller ones replaced them ({@code
 * compacted}, with the ids of the shards it supersedes, which readers close). Readers open the
 * shard at {@code path}; since the shard files and this event are committed by the same checkpoint
 * through different committers, a reader that sees the event first retries until the directory
 * appears.
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
    long sealedAt,
    List<String> supersedes) {

  public static final int VERSION = 1;
  public static final String SEALED = "sealed";
  public static final String COMPACTED = "compacted";

  public ShardManifestEvent {
    supersedes = List.copyOf(supersedes);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public static ShardManifestEvent of(SealedShard s, String path) {
    return new ShardManifestEvent(
        s.isCompaction() ? COMPACTED : SEALED,
        s.datanetId(),
        s.shardId(),
        s.sequence(),
        path,
        s.documents().size(),
        s.symbols(),
        s.merkleRoot(),
        s.tokenizerId(),
        s.sealedAt(),
        s.supersedes().stream().map(seq -> ShardId.of(s.datanetId(), seq)).toList());
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
    supersedes.forEach(n.putArray("supersedes")::add);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> supersededIds(JsonNode array) {
    List<String> ids = new ArrayList<>();
    if (array != null) {
      array.forEach(id -> ids.add(id.asText()));
    }
    return ids;
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
          n.get("sealed_at").asLong(),
          supersededIds(n.get("supersedes")));
    } catch (IOException | NullPointerException e) {
      throw new IllegalArgumentException("malformed manifest event", e);
    }
  }
}
