package io.payable.ingest.anchor;

/** A sealed shard's anchor, to be written to DatanetRegistry once its checkpoint completes. */
public record AnchorCommittable(String datanetId, String shardId, String merkleRoot, long count) {}
