package io.payable.contracts.client;

import io.payable.contracts.eip712.SignedVoucher;
import java.math.BigInteger;
import java.util.Objects;

/**
 * One consumer's entry in a batch redeem: its latest voucher and the cumulative fees charged to it.
 *
 * @param voucher the consumer's latest signed voucher
 * @param charged cumulative fees charged to the consumer, at most the voucher's amount
 */
public record Redemption(SignedVoucher voucher, BigInteger charged) {

  public Redemption {
    Objects.requireNonNull(voucher, "voucher");
    Objects.requireNonNull(charged, "charged");
    if (charged.signum() < 0 || charged.compareTo(voucher.voucher().cumulativeAmount()) > 0) {
      throw new IllegalArgumentException(
          "charged "
              + charged
              + " is outside 0.."
              + voucher.voucher().cumulativeAmount()
              + " (the voucher's amount)");
    }
  }
}
