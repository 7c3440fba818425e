package io.payable.lora.payment;

import java.util.Locale;

/** Why a request was answered 402: the {@code code} of the OpenAI error body. */
public enum PaymentReason {
  /** The request carries no {@code X-Payable-Voucher} header. */
  NO_VOUCHER,
  /** The voucher is malformed or not signed by the consumer it names, in this escrow's domain. */
  BAD_SIGNATURE,
  /**
   * The voucher does not cover what the consumer was charged so far plus this request's maximum.
   */
  INSUFFICIENT_VOUCHER,
  /** The consumer's deposit (less a pending withdrawal) does not cover that either. */
  INSUFFICIENT_DEPOSIT,
  /** The voucher's expiry has passed. */
  EXPIRED;

  /** The wire code, e.g. {@code insufficient_voucher}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
