package io.payable.ingest.record;

import java.math.BigInteger;

/**
 * A contribution accepted into a Datanet.
 *
 * @param contributionId 0x-hex keccak-256 of (datanet id, contributor, nonce): unique, since a
 *     nonce is used once per contributor and Datanet, and the same on every replay
 * @param tokens the content tokenized with the Datanet index tokenizer
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
    String license) {

  public int tokenCount() {
    return tokens.length;
  }
}
