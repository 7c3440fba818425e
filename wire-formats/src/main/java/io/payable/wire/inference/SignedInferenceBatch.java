package io.payable.wire.inference;

import java.util.List;

/**
 * A verified batch: the events and the address of the worker key that signed them.
 *
 * @param envelopeVersion envelope version read from the record
 * @param signer recovered signer address, {@code 0x} + 40 lower case hex digits
 * @param events the events; every event's {@code workerId} equals {@code signer}
 */
public record SignedInferenceBatch(
    int envelopeVersion, String signer, List<InferenceEvent> events) {
  public SignedInferenceBatch {
    events = List.copyOf(events);
  }
}
