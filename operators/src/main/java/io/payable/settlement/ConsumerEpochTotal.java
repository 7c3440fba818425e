package io.payable.settlement;

import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;

/**
 * One consumer's charges in one open epoch, as {@link EpochTreeBuilder} collects them.
 *
 * @param epoch the epoch whose root credits the charged events (late ones included)
 * @param consumer lower-case 0x address
 * @param feesWei the fees charged in this epoch
 * @param events paid events charged in this epoch
 * @param voucher the highest of their vouchers
 */
public record ConsumerEpochTotal(
    long epoch,
    String consumer,
    BigInteger feesWei,
    int events,
    InferenceEvent.PaymentVoucher voucher) {}
