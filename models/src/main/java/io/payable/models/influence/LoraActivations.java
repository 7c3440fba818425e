package io.payable.models.influence;

/**
 * What one adapted projection saw in one forward and backward pass, over T token rows: its input
 * {@code x} [T, in] and the gradient of the loss with respect to its output {@code g} [T, out]
 * (row-major), with its LoRA matrices {@code a} [r, in] and {@code b} [out, r] and scaling. The
 * LoRA gradients are {@code dA = sum_t (s B^T g_t) x_t^T} and {@code dB = sum_t (s g_t) (A x_t)^T};
 * a sketch is computed from these vectors without forming them.
 */
public record LoraActivations(
    int tokens, float[] x, float[] g, float[] a, float[] b, int rank, double scaling) {
  public LoraActivations {
    if (tokens < 0 || rank < 1) {
      throw new IllegalArgumentException("tokens >= 0 and rank >= 1 required");
    }
    if (tokens > 0 && (x.length % tokens != 0 || g.length % tokens != 0)) {
      throw new IllegalArgumentException("x and g must hold " + tokens + " rows");
    }
  }
}
