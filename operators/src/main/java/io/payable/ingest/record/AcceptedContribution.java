package io.payable.ingest.record;

import java.math.BigInteger;

/**
 * A contribution accepted into a Datanet.
 *
 * @param contributionId 0x-hex keccak-256 of (datanet id, contributor, nonce): unique, since a
 *     nonce is used once per contributor and Datanet, and the same on every replay
 * @param tokens the content tokenized with the Datanet index tokenizer
 * @param shardId 0x-hex id of the index shard the contribution goes into; {@code null} until the
 *     shard builder assigns it
 */
public record AcceptedContribution(
    String contributionId,
    String datanetId,
    String contributor,
    String contentHash,
    BigInteger nonce,
    String content,
    int[] tokens,
    int byteCount,
    long submittedAt,
    long acceptedAt,
    String license,
    String shardId) {

  public AcceptedContribution withShard(String id) {
    return new AcceptedContribution(
        contributionId,
        datanetId,
        contributor,
        contentHash,
        nonce,
        content,
        tokens,
        byteCount,
        submittedAt,
        acceptedAt,
        license,
        id);
  }

  public int tokenCount() {
    return tokens.length;
  }
}
