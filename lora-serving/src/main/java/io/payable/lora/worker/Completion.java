package io.payable.lora.worker;

import io.payable.lora.batch.GenerationResult;
import io.payable.wire.inference.InferenceEvent;

/** A served completion: the text, the metered event it produced, and the raw result. */
public record Completion(
    String text, String finishReason, InferenceEvent event, GenerationResult result) {}
