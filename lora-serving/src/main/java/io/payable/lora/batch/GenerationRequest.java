package io.payable.lora.batch;

import java.util.Objects;

/**
 * One completion request.
 *
 * @param adapterId adapter to apply, or null for the base model
 * @param prompt prompt token ids, at least one
 * @param maxTokens generation budget
 * @param temperature 0 for greedy decoding
 * @param topP nucleus sampling: draw from the smallest set of tokens whose probability reaches it
 * @param seed sampling seed; with the same seed, prompt and adapter the output is the same
 * @param topLogprobs log-probabilities to return per token: -1 none, 0 the chosen token's only, k
 *     also the k most likely tokens
 * @param stream receives each token as it is generated and can cancel the request; may be null
 * @param stop asked after each token whether the text reached a stop string; may be null
 */
public record GenerationRequest(
    String adapterId,
    int[] prompt,
    int maxTokens,
    double temperature,
    double topP,
    long seed,
    int topLogprobs,
    TokenStream stream,
    StopCondition stop) {

  /** Whether generation should stop after the tokens so far (a stop string appeared). */
  @FunctionalInterface
  public interface StopCondition {
    boolean reached(int[] tokens, int count);
  }

  public GenerationRequest {
    Objects.requireNonNull(prompt, "prompt");
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt is empty");
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be at least 1");
    }
    if (temperature < 0 || Double.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in (0, 1]");
    }
    if (topLogprobs < -1 || topLogprobs > 20) {
      throw new IllegalArgumentException("top_logprobs must be between 0 and 20");
    }
  }

  /** Greedy or temperature sampling without a stream or log-probabilities. */
  public static GenerationRequest of(
      String adapterId, int[] prompt, int maxTokens, double temperature, long seed) {
    return new GenerationRequest(
        adapterId, prompt, maxTokens, temperature, 1.0, seed, -1, null, null);
  }
}
