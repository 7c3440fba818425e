package io.payable.contracts.eip712;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * A contributor's signed withdrawal of one of their contributions: {@code Withdrawal(bytes32
 * datanetId, bytes32 contributionId, uint64 timestamp)}, in the same domain as a {@link
 * Contribution} ({@code DatanetRegistry.withdrawalDigest} computes the same digest on chain).
 *
 * @param datanetId 32 bytes
 * @param contributionId 32 bytes, {@code keccak256(abi.encode(datanetId, contributor, nonce))}
 * @param timestamp seconds since the epoch, unsigned 64-bit
 */
public record Withdrawal(byte[] datanetId, byte[] contributionId, long timestamp) {

  /** keccak256 of the EIP-712 type string. */
  public static final byte[] TYPE_HASH =
      Hash.sha3(
          "Withdrawal(bytes32 datanetId,bytes32 contributionId,uint64 timestamp)"
              .getBytes(StandardCharsets.UTF_8));

  public Withdrawal {
    if (datanetId.length != 32 || contributionId.length != 32) {
      throw new IllegalArgumentException("datanetId and contributionId must be 32 bytes");
    }
    datanetId = datanetId.clone();
    contributionId = contributionId.clone();
  }

  /** A withdrawal from hex ids, the form they travel in JSON. */
  public static Withdrawal of(String datanetIdHex, String contributionIdHex, long timestamp) {
    return new Withdrawal(
        Numeric.hexStringToByteArray(datanetIdHex),
        Numeric.hexStringToByteArray(contributionIdHex),
        timestamp);
  }

  /** keccak256(abi.encode(TYPE_HASH, datanetId, contributionId, timestamp)). */
  public byte[] structHash() {
    return Hash.sha3(
        Abi.words(
            TYPE_HASH,
            datanetId,
            contributionId,
            Abi.uint(new BigInteger(Long.toUnsignedString(timestamp)))));
  }

  public byte[] digest(Eip712Domain domain) {
    return domain.digest(structHash());
  }

  /** The 0x-hex 65-byte signature of this withdrawal by {@code signer}. */
  public String sign(Eip712Domain domain, Credentials signer) {
    return ContributionSignatures.signDigest(digest(domain), signer);
  }

  /** The lower-case 0x address that signed, or empty (same rules as for contributions). */
  public Optional<String> recover(Eip712Domain domain, String signatureHex) {
    return ContributionSignatures.recoverDigest(digest(domain), signatureHex);
  }

  @Override
  public byte[] datanetId() {
    return datanetId.clone();
  }

  @Override
  public byte[] contributionId() {
    return contributionId.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Withdrawal w
        && Arrays.equals(datanetId, w.datanetId)
        && Arrays.equals(contributionId, w.contributionId)
        && timestamp == w.timestamp;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(datanetId), Arrays.hashCode(contributionId), timestamp);
  }

  @Override
  public String toString() {
    return "Withdrawal[datanetId="
        + Numeric.toHexString(datanetId)
        + ", contributionId="
        + Numeric.toHexString(contributionId)
        + ", timestamp="
        + Long.toUnsignedString(timestamp)
        + "]";
  }
}
