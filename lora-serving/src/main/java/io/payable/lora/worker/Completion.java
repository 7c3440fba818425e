package io.payable.lora.worker;

import io.payable.lora.batch.GenerationResult;
import io.payable.wire.inference.InferenceEvent;

/**
 * A served completion: the text, the metered event it produced, and the raw result.
 *
 * @param consumerChargedWei what the worker has charged the paying consumer in total after this
 *     request; null when the worker takes no payment
 */
public record Completion(
    String text,
    String finishReason,
    InferenceEvent event,
    GenerationResult result,
    java.math.BigInteger consumerChargedWei) {}
