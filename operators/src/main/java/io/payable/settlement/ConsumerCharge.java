package io.payable.settlement;

import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;

/**
 * What one paid reward charges its consumer: the event's fee, under the consumer's highest voucher
 * when the attribution job charged it ({@code consumer_voucher} on {@code rewards.attributed}).
 *
 * @param consumer lower-case 0x address
 * @param feeWei the event's fee
 * @param voucher the consumer's highest voucher, which covers its charges up to this event
 */
public record ConsumerCharge(
    String consumer, BigInteger feeWei, InferenceEvent.PaymentVoucher voucher) {

  public ConsumerCharge {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(voucher, "voucher");
    consumer = consumer.toLowerCase(Locale.ROOT);
    if (feeWei.signum() <= 0) {
      throw new IllegalArgumentException("fee must be positive: " + feeWei);
    }
  }
}
