package io.payable.ingest.shard;

import java.util.List;

/**
 * A Datanet shard the builder sealed: its contributions, in the order they were accepted. The shard
 * files are written from it by {@link ShardStoreSink}.
 *
 * @param merkleRoot 0x-hex root of the StandardMerkleTree over the contributions' content hashes
 * @param supersedes sequences of the shards this one replaces (a compaction); empty for a shard of
 *     new contributions
 */
public record SealedShard(
    String datanetId,
    long sequence,
    String shardId,
    List<ShardDocument> documents,
    long symbols,
    String merkleRoot,
    String tokenizerId,
    long sealedAt,
    List<Long> supersedes) {

  public SealedShard {
    documents = List.copyOf(documents);
    supersedes = List.copyOf(supersedes);
  }

  public boolean isCompaction() {
    return !supersedes.isEmpty();
  }
}
