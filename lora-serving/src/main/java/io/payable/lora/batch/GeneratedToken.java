package io.payable.lora.batch;

/**
 * One generated token with, when asked for, its log-probability and the most likely alternatives.
 *
 * @param logprob log-probability of {@code id} under the model (before temperature), NaN when not
 *     requested
 * @param topIds the most likely tokens, most likely first (empty unless requested)
 * @param topLogprobs their log-probabilities
 */
public record GeneratedToken(int id, float logprob, int[] topIds, float[] topLogprobs) {}
