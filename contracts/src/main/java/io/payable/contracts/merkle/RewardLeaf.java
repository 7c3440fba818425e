package io.payable.contracts.merkle;

import java.math.BigInteger;
import java.util.Objects;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

/**
 * One leaf of a cumulative reward tree: an account and everything it has earned so far, in wei. The
 * tree adds the distributor's address to every leaf's hash ({@link StandardMerkleTree}).
 *
 * @param account 0x-prefixed 20-byte address (any case)
 * @param cumulative cumulative amount, {@code 0 <= cumulative < 2^256}
 */
public record RewardLeaf(String account, BigInteger cumulative) {

  private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);

  public RewardLeaf {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(cumulative, "cumulative");
    if (!WalletUtils.isValidAddress(account) || !account.startsWith("0x")) {
      throw new IllegalArgumentException("not a 0x-prefixed 20-byte address: " + account);
    }
    if (cumulative.signum() < 0 || cumulative.compareTo(UINT256_LIMIT) >= 0) {
      throw new IllegalArgumentException("cumulative amount out of uint256 range: " + cumulative);
    }
  }

  /**
   * {@code abi.encode(address distributor, address account, uint256 cumulative)}: three 32-byte
   * words. The distributor binds the leaf to one contract, so a tree posted to two deployments
   * cannot pay twice.
   */
  byte[] abiEncode(String distributor) {
    byte[] out = new byte[96];
    byte[] domain = Numeric.hexStringToByteArray(checkedAddress(distributor, "distributor"));
    System.arraycopy(domain, 0, out, 32 - domain.length, domain.length);
    byte[] address = Numeric.hexStringToByteArray(account);
    System.arraycopy(address, 0, out, 64 - address.length, address.length);
    byte[] amount = Numeric.toBytesPadded(cumulative, 32);
    System.arraycopy(amount, 0, out, 64, 32);
    return out;
  }

  static String checkedAddress(String address, String what) {
    Objects.requireNonNull(address, what);
    if (!WalletUtils.isValidAddress(address) || !address.startsWith("0x")) {
      throw new IllegalArgumentException(
          "not a 0x-prefixed 20-byte " + what + " address: " + address);
    }
    return address;
  }
}
