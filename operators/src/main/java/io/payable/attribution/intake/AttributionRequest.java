package io.payable.attribution.intake;

import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.wire.inference.InferenceEvent;

/**
 * An accepted event on its way to the shard groups: the event, who is paid besides the
 * contributors, and the parameter snapshot it is attributed with.
 *
 * @param acceptedAt when the job accepted it, epoch milliseconds
 */
public record AttributionRequest(
    InferenceEvent event,
    String workerOperator,
    AdapterInfo adapter,
    AttributionParams params,
    long acceptedAt) {

  public String eventId() {
    return event.eventId();
  }
}
