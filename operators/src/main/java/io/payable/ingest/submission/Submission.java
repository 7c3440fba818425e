package io.payable.ingest.submission;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, well-formed Datanet submission (format version 1). Well-formed only: whether the
 * signature, nonce, Datanet and content are acceptable is decided by later validation steps.
 *
 * @param datanetId the Datanet, 32 bytes
 * @param contributor the contributor's address, 0x-prefixed lower-case hex
 * @param nonce strictly increasing per contributor and Datanet (uint256)
 * @param timestamp seconds since the epoch, as signed (uint64)
 * @param content the contributed text
 * @param contentHash keccak-256 of the content's UTF-8 bytes, 32 bytes
 * @param license optional license identifier (SPDX)
 * @param metadata optional free-form string metadata
 * @param signature the 65-byte EIP-712 signature (r, s, v)
 */
public record Submission(
    byte[] datanetId,
    String contributor,
    BigInteger nonce,
    long timestamp,
    String content,
    byte[] contentHash,
    Optional<String> license,
    Map<String, String> metadata,
    byte[] signature) {

  public static final int FORMAT_VERSION = 1;

  public Submission {
    Objects.requireNonNull(contributor, "contributor");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(content, "content");
    metadata = Map.copyOf(metadata);
    datanetId = datanetId.clone();
    contentHash = contentHash.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] datanetId() {
    return datanetId.clone();
  }

  @Override
  public byte[] contentHash() {
    return contentHash.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public String datanetIdHex() {
    return Hex.encode(datanetId);
  }

  public String contentHashHex() {
    return Hex.encode(contentHash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Submission s
        && Arrays.equals(datanetId, s.datanetId)
        && contributor.equals(s.contributor)
        && nonce.equals(s.nonce)
        && timestamp == s.timestamp
        && content.equals(s.content)
        && Arrays.equals(contentHash, s.contentHash)
        && license.equals(s.license)
        && metadata.equals(s.metadata)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(datanetId), contributor, nonce, timestamp, Arrays.hashCode(contentHash));
  }

  @Override
  public String toString() {
    return "Submission[datanet="
        + datanetIdHex()
        + ", contributor="
        + contributor
        + ", nonce="
        + nonce
        + ", contentHash="
        + contentHashHex()
        + ", chars="
        + content.length()
        + "]";
  }
}
