package io.payable.contracts.eip712;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * An ERC-2612 {@code Permit(address owner, address spender, uint256 value, uint256 nonce, uint256
 * deadline)} signed in the token's domain, as OpenZeppelin's ERC20Permit checks it.
 */
public final class Erc2612Permit {

  static final byte[] TYPE_HASH =
      Hash.sha3(
          "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
              .getBytes(StandardCharsets.UTF_8));

  private Erc2612Permit() {}

  /** The domain of OPEN's permits: name "Open", version "1". */
  public static Eip712Domain openTokenDomain(long chainId, String token) {
    return new Eip712Domain("Open", "1", chainId, token);
  }

  /** The owner's signature (v, r, s) of a permit for {@code spender}. */
  public static Sign.SignatureData sign(
      Eip712Domain tokenDomain,
      Credentials owner,
      String spender,
      BigInteger value,
      BigInteger nonce,
      BigInteger deadline) {
    byte[] structHash =
        Hash.sha3(
            Abi.words(
                TYPE_HASH,
                Abi.address(owner.getAddress()),
                Abi.address(spender),
                Abi.uint(value),
                Abi.uint(nonce),
                Abi.uint(deadline)));
    return Sign.signMessage(tokenDomain.digest(structHash), owner.getEcKeyPair(), false);
  }
}
