package io.payable.lora.batch;

import java.time.Instant;
import java.util.List;

/**
 * A finished generation.
 *
 * @param tokens every generated token (the end-of-sequence token excluded)
 * @param finishReason {@code stop} (end-of-sequence token or stop string), {@code length}, or the
 *     reason a consumer cancelled with
 * @param logprobs per token, when the request asked for them; else empty
 * @param firstTokenTime null when no token was generated
 */
public record GenerationResult(
    String adapterId,
    String adapterVersion,
    int[] tokens,
    int promptTokens,
    String finishReason,
    List<GeneratedToken> logprobs,
    Instant requestTime,
    Instant firstTokenTime,
    Instant doneTime) {}
