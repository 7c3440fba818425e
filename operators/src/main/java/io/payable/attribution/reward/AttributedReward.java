package io.payable.attribution.reward;

import io.payable.attribution.split.Payout;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * A record of the {@code rewards.attributed} topic (format version 1, docs/formats.md): the exact
 * split of one inference event's fee, as the attribution job committed it. The settlement job sums
 * these into per-account epoch and cumulative totals.
 *
 * @param eventId the inference event (the topic's key; unique on the topic)
 * @param eventTime the event's done time, epoch milliseconds
 * @param epoch {@code floor(eventTime / epochLength)} with the epoch length in force when the event
 *     was attributed
 * @param attributed whether contributors were credited (else the data pool went to treasuries)
 * @param payouts one entry per recipient and role; amounts sum to {@code feeWei}
 * @param consumerCharged the consumer's cumulative charges including this event's fee, wei (what
 *     the settlement job redeems from the consumer's voucher); null for an event without a voucher
 * @param consumerVoucher the consumer's highest voucher when the event was charged, which covers
 *     {@code consumerCharged}; null exactly when {@code consumerCharged} is
 */
public record AttributedReward(
    String eventId,
    long eventTime,
    long epoch,
    String modelId,
    String adapterId,
    String consumer,
    String workerId,
    BigInteger feeWei,
    boolean attributed,
    List<Payout> payouts,
    BigInteger consumerCharged,
    InferenceEvent.PaymentVoucher consumerVoucher) {

  public static final int VERSION = 1;

  public AttributedReward {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(feeWei, "feeWei");
    payouts = List.copyOf(payouts);
    BigInteger sum = payouts.stream().map(Payout::amount).reduce(BigInteger.ZERO, BigInteger::add);
    if (!sum.equals(feeWei)) {
      throw new IllegalArgumentException(
          "payouts of " + eventId + " sum to " + sum + ", not the fee " + feeWei);
    }
    if ((consumerCharged == null) != (consumerVoucher == null)) {
      throw new IllegalArgumentException(
          "consumer charges of " + eventId + " without their voucher, or the reverse");
    }
    if (consumerVoucher != null
        && consumerCharged.compareTo(consumerVoucher.cumulativeAmount()) > 0) {
      throw new IllegalArgumentException(
          "consumer charges of " + eventId + " above the consumer's voucher");
    }
    if (consumerCharged != null && consumerCharged.compareTo(feeWei) < 0) {
      throw new IllegalArgumentException(
          "consumer charges of " + eventId + " (" + consumerCharged + ") below its fee " + feeWei);
    }
  }

  /** A reward of an event without a payment voucher. */
  public AttributedReward(
      String eventId,
      long eventTime,
      long epoch,
      String modelId,
      String adapterId,
      String consumer,
      String workerId,
      BigInteger feeWei,
      boolean attributed,
      List<Payout> payouts) {
    this(
        eventId,
        eventTime,
        epoch,
        modelId,
        adapterId,
        consumer,
        workerId,
        feeWei,
        attributed,
        payouts,
        null,
        null);
  }
}
