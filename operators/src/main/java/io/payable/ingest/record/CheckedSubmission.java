package io.payable.ingest.record;

import java.math.BigInteger;

/**
 * A submission that passed the stateless checks (format, Datanet open, signature by the
 * contributor), with its source record kept for a later rejection.
 *
 * @param datanetId 0x-hex, 32 bytes
 * @param contributor 0x-hex lower-case address, the recovered signer
 * @param contentHash 0x-hex keccak-256 of the content
 */
public record CheckedSubmission(
    RawRecord source,
    String datanetId,
    String contributor,
    BigInteger nonce,
    long timestamp,
    String content,
    String contentHash,
    String license) {}
