package io.payable.index.query;

import io.payable.index.shard.DocumentRecord;

/**
 * Where a token sequence occurs: a document of a shard and the token offset inside it.
 *
 * @param shard ordinal of the shard in its index
 * @param documentOrdinal ordinal of the document in its shard
 * @param document the document's metadata
 * @param offset token offset of the occurrence inside the document
 */
public record Occurrence(int shard, int documentOrdinal, DocumentRecord document, int offset) {}
