package io.payable.contracts.eip712;

import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

/**
 * An EIP-712 domain with name, version, chain id and verifying contract.
 *
 * @param verifyingContract 0x-prefixed address of the contract that defines the domain
 */
public record Eip712Domain(String name, String version, long chainId, String verifyingContract) {

  static final byte[] TYPE_HASH =
      Hash.sha3(
          "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
              .getBytes(StandardCharsets.UTF_8));

  public Eip712Domain {
    if (!WalletUtils.isValidAddress(verifyingContract)) {
      throw new IllegalArgumentException("bad verifying contract: " + verifyingContract);
    }
  }

  /** The domain of contribution signatures: DatanetRegistry on {@code chainId}. */
  public static Eip712Domain payableDatanets(long chainId, String datanetRegistry) {
    return new Eip712Domain("Payable Datanets", "1", chainId, datanetRegistry);
  }

  /** keccak256(abi.encode(TYPE_HASH, keccak(name), keccak(version), chainId, contract)). */
  public byte[] separator() {
    return Hash.sha3(
        Abi.words(
            TYPE_HASH,
            Hash.sha3(name.getBytes(StandardCharsets.UTF_8)),
            Hash.sha3(version.getBytes(StandardCharsets.UTF_8)),
            Abi.uint(java.math.BigInteger.valueOf(chainId)),
            Abi.address(verifyingContract)));
  }

  /** keccak256("\x19\x01" || separator || structHash). */
  public byte[] digest(byte[] structHash) {
    byte[] buffer = new byte[66];
    buffer[0] = 0x19;
    buffer[1] = 0x01;
    System.arraycopy(separator(), 0, buffer, 2, 32);
    System.arraycopy(structHash, 0, buffer, 34, 32);
    return Hash.sha3(buffer);
  }

  public String separatorHex() {
    return Numeric.toHexString(separator());
  }
}
