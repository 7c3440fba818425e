package io.payable.ingest.shard;

import java.util.List;

/**
 * A shard written to its staging directory, waiting for its checkpoint to complete.
 *
 * @param supersededPaths directories of the shards a compacted shard replaces, removed once it is
 *     in place
 */
public record ShardCommittable(
    String datanetId,
    long sequence,
    String shardId,
    String stagingPath,
    String finalPath,
    List<String> supersededPaths) {

  public ShardCommittable {
    supersededPaths = List.copyOf(supersededPaths);
  }
}
