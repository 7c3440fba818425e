package io.payable.contracts.eip712;

import java.math.BigInteger;
import java.util.Objects;
import org.web3j.utils.Numeric;

/**
 * A voucher with its consumer's signature, and its HTTP header form {@code X-Payable-Voucher:
 * <consumer>,<cumulativeAmount>,<expiry>,<signature>} (address and signature as 0x hex, the amount
 * in decimal wei, the expiry in unix seconds).
 *
 * @param voucher what was signed
 * @param signature 0x-hex r || s || v, 65 bytes
 */
public record SignedVoucher(Voucher voucher, String signature) {

  /** The request header that carries a voucher. */
  public static final String HEADER = "X-Payable-Voucher";

  public SignedVoucher {
    Objects.requireNonNull(voucher, "voucher");
    Objects.requireNonNull(signature, "signature");
  }

  /** Signs {@code voucher} with {@code consumer}'s key in {@code domain}. */
  public static SignedVoucher sign(
      Eip712Domain domain, Voucher voucher, org.web3j.crypto.Credentials consumer) {
    return new SignedVoucher(voucher, VoucherSignatures.sign(domain, voucher, consumer));
  }

  /**
   * Parses the header form; throws {@link IllegalArgumentException} naming the bad part. The
   * signature is not checked here.
   */
  public static SignedVoucher parse(String header) {
    if (header == null || header.isBlank()) {
      throw new IllegalArgumentException("empty voucher");
    }
    String[] parts = header.trim().split(",", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "a voucher is consumer,cumulativeAmount,expiry,signature; got "
              + parts.length
              + " parts");
    }
    BigInteger amount;
    long expiry;
    try {
      amount = new BigInteger(parts[1].trim());
      expiry = Long.parseLong(parts[2].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("voucher amount and expiry must be decimal integers");
    }
    String signature = parts[3].trim();
    if (!signature.matches("0x[0-9a-fA-F]{130}")) {
      throw new IllegalArgumentException("voucher signature must be 0x + 130 hex digits");
    }
    return new SignedVoucher(new Voucher(parts[0].trim(), amount, expiry), signature);
  }

  /** The header form. */
  public String toHeader() {
    return voucher.consumer()
        + ","
        + voucher.cumulativeAmount()
        + ","
        + voucher.expiry()
        + ","
        + signature;
  }

  /** The signature bytes (65). */
  public byte[] signatureBytes() {
    return Numeric.hexStringToByteArray(signature);
  }
}
