package io.payable.attribution.merge;

import io.payable.attribution.intake.AttributionRequest;
import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.trace.Attribution;

/**
 * An event with its attribution, ready for the tables and {@code rewards.attributed}.
 *
 * @param attributedAt when the merge finished, epoch milliseconds
 */
public record AttributedEvent(
    AttributionRequest request, Attribution attribution, long attributedAt) {

  public AttributedReward reward() {
    var e = request.event();
    return new AttributedReward(
        e.eventId(),
        e.doneTime().toEpochMilli(),
        attribution.epoch(),
        e.modelId(),
        e.adapterId(),
        e.consumer(),
        e.workerId(),
        e.feeWei(),
        attribution.attributed(),
        attribution.payouts(),
        request.consumerCharged(),
        request.consumerVoucher());
  }
}
