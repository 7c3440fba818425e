package io.payable.ingest.shard;

/** A shard written to its staging directory, waiting for its checkpoint to complete. */
public record ShardCommittable(
    String datanetId, long sequence, String shardId, String stagingPath, String finalPath) {}
