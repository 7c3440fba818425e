package io.payable.lora.batch;

import java.util.Objects;

/**
 * One completion request.
 *
 * @param adapterId adapter to apply, or null for the base model
 * @param prompt prompt token ids
 * @param maxTokens generation budget
 * @param temperature 0 for greedy decoding
 * @param seed sampling seed; with the same seed, prompt and adapter the output is the same
 */
public record GenerationRequest(
    String adapterId, int[] prompt, int maxTokens, double temperature, long seed) {
  public GenerationRequest {
    Objects.requireNonNull(prompt, "prompt");
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be at least 1");
    }
    if (temperature < 0 || Double.isNaN(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0");
    }
  }
}
