package io.payable.ingest.shard;

/** One contribution as it goes into an index shard. */
public record ShardDocument(
    String contributionId, String contributor, String contentHash, int[] tokens) {}
