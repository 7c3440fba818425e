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
 *
 * <p>A {@code tombstoned} event says a document left a Datanet's index (withdrawn by its
 * contributor, or flagged and upheld) from {@code effective_at} on; it has its own JSON shape
 * (docs/formats.md) and reuses the record's fields: {@link #shardId()} holds the document (the
 * contribution id, see {@link #contributionId()}), {@link #path()} the Datanet's {@code
 * tombstones.json}, {@link #merkleRoot()} the contribution event type and {@link #sealedAt()} the
 * effective time.
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
  public static final String TOMBSTONED = "tombstoned";
  public static final String PENALIZED = "penalized";

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

  /** A document left the index of {@code datanetId} from {@code effectiveAt} (epoch millis) on. */
  public static ShardManifestEvent tombstoned(
      String datanetId,
      String contributionId,
      String eventType,
      String tombstonesPath,
      long effectiveAt) {
    return new ShardManifestEvent(
        TOMBSTONED,
        datanetId,
        contributionId,
        0,
        tombstonesPath,
        1,
        0,
        eventType,
        "",
        effectiveAt,
        List.of());
  }

  /**
   * A contributor's documents in {@code datanetId} earn nothing from {@code effectiveAt} on: their
   * penalty score reached the governance threshold. {@link #shardId()} holds the contributor.
   */
  public static ShardManifestEvent penalized(
      String datanetId, String contributor, long effectiveAt) {
    return new ShardManifestEvent(
        PENALIZED, datanetId, contributor, 0, "", 0, 0, "", "", effectiveAt, List.of());
  }

  public boolean isTombstone() {
    return TOMBSTONED.equals(type);
  }

  public boolean isPenalty() {
    return PENALIZED.equals(type);
  }

  /** The penalised contributor of a {@code penalized} event. */
  public String contributor() {
    return shardId;
  }

  /** The tombstoned document of a {@code tombstoned} event. */
  public String contributionId() {
    return shardId;
  }

  /** When a {@code tombstoned} event takes effect, epoch millis. */
  public long effectiveAt() {
    return sealedAt;
  }

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    if (isPenalty()) {
      n.put("version", VERSION);
      n.put("type", type);
      n.put("datanet_id", datanetId);
      n.put("contributor", shardId);
      n.put("effective_at", sealedAt);
      try {
        return JSON.writeValueAsBytes(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (isTombstone()) {
      n.put("version", VERSION);
      n.put("type", type);
      n.put("datanet_id", datanetId);
      n.put("contribution_id", shardId);
      n.put("event_type", merkleRoot);
      n.put("path", path);
      n.put("effective_at", sealedAt);
      try {
        return JSON.writeValueAsBytes(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
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
      if (PENALIZED.equals(n.path("type").asText())) {
        return penalized(
            n.get("datanet_id").asText(),
            n.get("contributor").asText(),
            n.get("effective_at").asLong());
      }
      if (TOMBSTONED.equals(n.path("type").asText())) {
        return tombstoned(
            n.get("datanet_id").asText(),
            n.get("contribution_id").asText(),
            n.get("event_type").asText(),
            n.get("path").asText(),
            n.get("effective_at").asLong());
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
