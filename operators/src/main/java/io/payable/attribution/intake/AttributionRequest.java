package io.payable.attribution.intake;

import io.payable.attribution.gradient.GradientResult;
import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.ingest.record.RawRecord;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;

/**
 * An accepted event on its way to the shard groups: the event, who is paid besides the
 * contributors, and the parameter snapshot it is attributed with.
 *
 * @param acceptedAt when the job accepted it, epoch milliseconds
 * @param source the Kafka record the event came in (for a later rejection); null in unit tests
 * @param consumerCharged the consumer's cumulative charges including this event's fee, wei, once
 *     the {@link ConsumerLedger} charged it; null before, and for events without a voucher
 * @param consumerVoucher the consumer's highest voucher once charged (the one settlement redeems
 *     with; it covers {@code consumerCharged}); null when {@code consumerCharged} is
 */
public record AttributionRequest(
    InferenceEvent event,
    String workerOperator,
    AdapterInfo adapter,
    AttributionParams params,
    long acceptedAt,
    RawRecord source,
    BigInteger consumerCharged,
    InferenceEvent.PaymentVoucher consumerVoucher,
    GradientResult gradient) {

  /** A request without a gradient part. */
  public AttributionRequest(
      InferenceEvent event,
      String workerOperator,
      AdapterInfo adapter,
      AttributionParams params,
      long acceptedAt,
      RawRecord source,
      BigInteger consumerCharged,
      InferenceEvent.PaymentVoucher consumerVoucher) {
    this(
        event,
        workerOperator,
        adapter,
        params,
        acceptedAt,
        source,
        consumerCharged,
        consumerVoucher,
        null);
  }

  /** A request not yet charged to its consumer, without its source record. */
  public AttributionRequest(
      InferenceEvent event,
      String workerOperator,
      AdapterInfo adapter,
      AttributionParams params,
      long acceptedAt) {
    this(event, workerOperator, adapter, params, acceptedAt, null, null, null);
  }

  public String eventId() {
    return event.eventId();
  }

  /**
   * This request, charged to its consumer for a cumulative {@code charged} that {@code voucher}
   * covers.
   */
  public AttributionRequest withConsumerCharged(
      BigInteger charged, InferenceEvent.PaymentVoucher voucher) {
    return new AttributionRequest(
        event, workerOperator, adapter, params, acceptedAt, source, charged, voucher, gradient);
  }

  /** This request with the gradient part of its attribution. */
  public AttributionRequest withGradient(GradientResult result) {
    return new AttributionRequest(
        event,
        workerOperator,
        adapter,
        params,
        acceptedAt,
        source,
        consumerCharged,
        consumerVoucher,
        result);
  }
}
