package io.payable.lora.worker;

import io.payable.wire.inference.InferenceEvent;

/** A served completion: the text and the metered event it produced. */
public record Completion(String text, String finishReason, InferenceEvent event) {}
