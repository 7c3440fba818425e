package io.payable.contracts.eip712;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The signed part of a Datanet submission: {@code Contribution(bytes32 datanetId, bytes32
 * contentHash, uint256 nonce, uint64 timestamp)}.
 *
 * @param datanetId 32 bytes
 * @param contentHash 32 bytes, keccak256 of the UTF-8 content
 * @param nonce per-contributor nonce
 * @param timestamp seconds since the epoch, unsigned 64-bit
 */
public record Contribution(byte[] datanetId, byte[] contentHash, BigInteger nonce, long timestamp) {

  /** keccak256 of the EIP-712 type string. */
  public static final byte[] TYPE_HASH =
      Hash.sha3(
          "Contribution(bytes32 datanetId,bytes32 contentHash,uint256 nonce,uint64 timestamp)"
              .getBytes(StandardCharsets.UTF_8));

  public Contribution {
    Objects.requireNonNull(nonce, "nonce");
    if (datanetId.length != 32 || contentHash.length != 32) {
      throw new IllegalArgumentException("datanetId and contentHash must be 32 bytes");
    }
    datanetId = datanetId.clone();
    contentHash = contentHash.clone();
  }

  /** A contribution from hex ids, the form they travel in JSON. */
  public static Contribution of(
      String datanetIdHex, String contentHashHex, BigInteger nonce, long timestamp) {
    return new Contribution(
        Numeric.hexStringToByteArray(datanetIdHex),
        Numeric.hexStringToByteArray(contentHashHex),
        nonce,
        timestamp);
  }

  /** keccak256 of UTF-8 content, the {@code contentHash} of a submission. */
  public static byte[] contentHash(String content) {
    return Hash.sha3(content.getBytes(StandardCharsets.UTF_8));
  }

  /** keccak256(abi.encode(TYPE_HASH, datanetId, contentHash, nonce, timestamp)). */
  public byte[] structHash() {
    return Hash.sha3(
        Abi.words(
            TYPE_HASH,
            datanetId,
            contentHash,
            Abi.uint(nonce),
            // uint64: the long's bits read as unsigned.
            Abi.uint(new BigInteger(Long.toUnsignedString(timestamp)))));
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
  public boolean equals(Object o) {
    return o instanceof Contribution c
        && Arrays.equals(datanetId, c.datanetId)
        && Arrays.equals(contentHash, c.contentHash)
        && nonce.equals(c.nonce)
        && timestamp == c.timestamp;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(datanetId), Arrays.hashCode(contentHash), nonce, timestamp);
  }

  @Override
  public String toString() {
    return "Contribution[datanetId="
        + Numeric.toHexString(datanetId)
        + ", contentHash="
        + Numeric.toHexString(contentHash)
        + ", nonce="
        + nonce
        + ", timestamp="
        + Long.toUnsignedString(timestamp)
        + "]";
  }
}
