package io.payable.models;

/**
 * Rotary embedding parameters: {@code rope_theta} and the optional scaling of {@code rope_scaling}
 * (transformers 4) or {@code rope_parameters} (transformers 5). Types {@code default}, {@code
 * linear} and {@code llama3} are supported.
 */
public record RopeScaling(
    String type,
    double theta,
    double factor,
    double lowFreqFactor,
    double highFreqFactor,
    int originalMaxPositions) {

  public static RopeScaling plain(double theta) {
    return new RopeScaling("default", theta, 1, 0, 0, 0);
  }

  /**
   * The inverse frequencies of the rotary embedding for a head dimension, as transformers computes
   * them ({@code 1 / theta^(2i/d)}, then the llama3 or linear rescaling).
   */
  public float[] inverseFrequencies(int headDim) {
    int half = headDim / 2;
    float[] inv = new float[half];
    for (int i = 0; i < half; i++) {
      double base = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
      inv[i] =
          (float)
              switch (type) {
                case "linear" -> base / factor;
                case "llama3" -> llama3(base);
                default -> base;
              };
    }
    return inv;
  }

  private double llama3(double inv) {
    double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
    double highFreqWavelen = originalMaxPositions / highFreqFactor;
    double wavelen = 2 * Math.PI / inv;
    if (wavelen < highFreqWavelen) {
      return inv;
    }
    if (wavelen > lowFreqWavelen) {
      return inv / factor;
    }
    double smooth =
        (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * inv / factor + smooth * inv;
  }
}
