package io.payable.settlement;

import io.payable.contracts.client.Redemption;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import java.math.BigInteger;

/**
 * What a closed epoch charges one consumer, carried on its {@link EpochRoot}: the redemption the
 * funding gate sends before the root is posted, or, when the consumer's vouchers do not cover its
 * charges, the reason the root cannot be funded by it.
 *
 * @param consumer lower-case 0x address
 * @param epochChargedWei fees of the events credited in this epoch's root
 * @param chargedWei cumulative fees charged to the consumer up to and including this epoch
 * @param events paid events credited in this epoch
 * @param voucherAmountWei the cumulative amount of the consumer's highest valid voucher (null if
 *     none)
 * @param voucherExpiry its expiry, unix seconds
 * @param voucherSignature its 0x-hex signature (null if none)
 * @param covered whether that voucher covers {@code chargedWei} (else nothing is redeemed for it)
 */
public record EpochConsumerCharge(
    String consumer,
    BigInteger epochChargedWei,
    BigInteger chargedWei,
    int events,
    BigInteger voucherAmountWei,
    long voucherExpiry,
    String voucherSignature,
    boolean covered) {

  /** The batch entry that redeems {@code chargedWei}; only for a covered consumer. */
  public Redemption redemption() {
    if (!covered) {
      throw new IllegalStateException("consumer " + consumer + " is not covered by a voucher");
    }
    return new Redemption(
        new SignedVoucher(new Voucher(consumer, voucherAmountWei, voucherExpiry), voucherSignature),
        chargedWei);
  }
}
