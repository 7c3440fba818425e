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
 * Signs consumer vouchers and recovers their signers as ConsumerEscrow's {@code ECDSA.tryRecover}
 * does: 65-byte r || s || v, v of 27 or 28 only, high s refused. A voucher that verifies here
 * verifies on chain in the same domain.
 */
public final class VoucherSignatures {

  /** The domain name ConsumerEscrow passes to OpenZeppelin's EIP712. */
  public static final String DOMAIN_NAME = "Payable Consumer Escrow";

  private static final BigInteger HALF_ORDER =
      new BigInteger("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", 16);

  private VoucherSignatures() {}

  /** The domain of vouchers: the ConsumerEscrow at {@code escrow} on {@code chainId}. */
  public static Eip712Domain domain(long chainId, String escrow) {
    return new Eip712Domain(DOMAIN_NAME, "1", chainId, escrow);
  }

  /** The 32-byte digest the consumer signs. */
  public static byte[] digest(Eip712Domain domain, Voucher voucher) {
    return domain.digest(voucher.structHash());
  }

  /** The 0x-hex 65-byte signature of {@code voucher} by {@code consumer}. */
  public static String sign(Eip712Domain domain, Voucher voucher, Credentials consumer) {
    Sign.SignatureData sig =
        Sign.signMessage(digest(domain, voucher), consumer.getEcKeyPair(), false);
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
  public static Optional<String> recover(Eip712Domain domain, Voucher voucher, String signature) {
    byte[] sig;
    try {
      sig = Numeric.hexStringToByteArray(signature);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (sig.length != 65 || (sig[64] != 27 && sig[64] != 28)) {
      return Optional.empty();
    }
    byte[] r = Arrays.copyOfRange(sig, 0, 32);
    byte[] s = Arrays.copyOfRange(sig, 32, 64);
    if (new BigInteger(1, s).compareTo(HALF_ORDER) > 0) {
      return Optional.empty();
    }
    try {
      BigInteger key =
          Sign.signedMessageHashToKey(
              digest(domain, voucher), new Sign.SignatureData(sig[64], r, s));
      return Optional.of("0x" + Keys.getAddress(key));
    } catch (SignatureException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code signature} is the voucher's consumer's signature in {@code domain}. */
  public static boolean isValid(Eip712Domain domain, Voucher voucher, String signature) {
    return recover(domain, voucher, signature)
        .map(a -> a.equalsIgnoreCase(voucher.consumer()))
        .orElse(false);
  }
}
