package io.payable.index.query;

/**
 * A document holding a span, with the key that orders its shard among all shards of the index
 * (documents are credited in shard-key order, then document order).
 */
public record ShardDocument(String shardKey, SpanDocument document) {}
