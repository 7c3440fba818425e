package io.payable.lora.batch;

import java.time.Instant;

/**
 * A finished generation.
 *
 * @param finishReason {@code stop} (end-of-sequence token) or {@code length}
 */
public record GenerationResult(
    String adapterId,
    String adapterVersion,
    int[] tokens,
    int promptTokens,
    String finishReason,
    Instant requestTime,
    Instant firstTokenTime,
    Instant doneTime) {}
