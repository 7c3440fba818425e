package io.payable.contracts.eip712;

import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Signs contributions and recovers their signers, as a wallet's {@code eth_signTypedData_v4} and
 * OpenZeppelin's {@code ECDSA.recover} do: 65-byte r || s || v signatures with v of 27 or 28 only
 * (OpenZeppelin refuses 0 and 1, so this does too: a signature valid here is valid on chain), and
 * signatures with a high s refused because they are malleable copies.
 */
public final class ContributionSignatures {

  // secp256k1 group order / 2: OpenZeppelin's upper bound for s.
  private static final BigInteger HALF_ORDER =
      new BigInteger("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", 16);

  private ContributionSignatures() {}

  /** The 32-byte digest the contributor signs. */
  public static byte[] digest(Eip712Domain domain, Contribution contribution) {
    return domain.digest(contribution.structHash());
  }

  /** The 0x-hex 65-byte signature of {@code contribution} by {@code signer}. */
  public static String sign(Eip712Domain domain, Contribution contribution, Credentials signer) {
    Sign.SignatureData sig =
        Sign.signMessage(digest(domain, contribution), signer.getEcKeyPair(), false);
    byte[] out = new byte[65];
    System.arraycopy(sig.getR(), 0, out, 0, 32);
    System.arraycopy(sig.getS(), 0, out, 32, 32);
    out[64] = sig.getV()[0];
    return Numeric.toHexString(out);
  }

  /**
   * The lower-case 0x address that signed, or empty when the signature is malformed, malleable or
   * does not recover to a key.
   */
  public static Optional<String> recover(
      Eip712Domain domain, Contribution contribution, String signatureHex) {
    return recoverDigest(digest(domain, contribution), signatureHex);
  }

  /** The 0x-hex 65-byte signature of a 32-byte EIP-712 {@code digest} by {@code signer}. */
  public static String signDigest(byte[] digest, Credentials signer) {
    Sign.SignatureData sig = Sign.signMessage(digest, signer.getEcKeyPair(), false);
    byte[] out = new byte[65];
    System.arraycopy(sig.getR(), 0, out, 0, 32);
    System.arraycopy(sig.getS(), 0, out, 32, 32);
    out[64] = sig.getV()[0];
    return Numeric.toHexString(out);
  }

  /**
   * The lower-case 0x address that signed a 32-byte EIP-712 {@code digest}, with the same rules as
   * for contributions; empty when the signature is malformed, malleable or recovers to no key.
   */
  public static Optional<String> recoverDigest(byte[] digest, String signatureHex) {
    byte[] sig;
    try {
      sig = Numeric.hexStringToByteArray(signatureHex);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (sig.length != 65) {
      return Optional.empty();
    }
    byte v = sig[64];
    if (v != 27 && v != 28) {
      return Optional.empty();
    }
    byte[] r = Arrays.copyOfRange(sig, 0, 32);
    byte[] s = Arrays.copyOfRange(sig, 32, 64);
    if (new BigInteger(1, s).compareTo(HALF_ORDER) > 0) {
      return Optional.empty();
    }
    try {
      BigInteger publicKey = Sign.signedMessageHashToKey(digest, new Sign.SignatureData(v, r, s));
      return Optional.of("0x" + Keys.getAddress(publicKey));
    } catch (SignatureException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code signatureHex} is {@code expectedSigner}'s signature of the contribution. */
  public static boolean isSignedBy(
      Eip712Domain domain, Contribution contribution, String signatureHex, String expectedSigner) {
    return recover(domain, contribution, signatureHex)
        .map(a -> a.equalsIgnoreCase(expectedSigner))
        .orElse(false);
  }
}
