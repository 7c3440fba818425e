package io.payable.attribution.intake;

import io.payable.ingest.record.RawRecord;
import io.payable.wire.inference.InferenceEvent;

/**
 * An event of a batch whose signature and worker registration checked out.
 *
 * @param workerOperator the registered operator of the signing worker (paid the worker share)
 * @param source the Kafka record the event came in (for rejections; its value is not kept)
 */
public record VerifiedEvent(InferenceEvent event, String workerOperator, RawRecord source) {}
