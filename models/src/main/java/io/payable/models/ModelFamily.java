package io.payable.models;

import java.util.EnumSet;
import java.util.Set;

/**
 * The decoder families served, by {@code model_type} of {@code config.json}. They share one
 * architecture (RMSNorm, rotary embeddings, SwiGLU MLP, grouped-query attention) and differ in
 * which projections carry biases and whether queries and keys are normalised per head.
 */
public enum ModelFamily {
  LLAMA("llama", "LlamaForCausalLM"),
  MISTRAL("mistral", "MistralForCausalLM"),
  QWEN2("qwen2", "Qwen2ForCausalLM"),
  QWEN3("qwen3", "Qwen3ForCausalLM");

  private final String modelType;
  private final String architecture;

  ModelFamily(String modelType, String architecture) {
    this.modelType = modelType;
    this.architecture = architecture;
  }

  public String modelType() {
    return modelType;
  }

  /** The {@code architectures} entry of a causal-LM checkpoint of this family. */
  public String architecture() {
    return architecture;
  }

  /** The family of a {@code model_type}, or null. */
  public static ModelFamily ofModelType(String modelType) {
    for (ModelFamily f : values()) {
      if (f.modelType.equals(modelType)) {
        return f;
      }
    }
    return null;
  }

  /**
   * Projections with a bias: Qwen2 always biases q, k and v; Llama and Qwen3 bias all four
   * attention projections when {@code attention_bias} is set, and Llama the MLP when {@code
   * mlp_bias} is.
   */
  Set<Projection> biased(boolean attentionBias, boolean mlpBias) {
    Set<Projection> out = EnumSet.noneOf(Projection.class);
    switch (this) {
      case QWEN2 -> out.addAll(EnumSet.of(Projection.Q_PROJ, Projection.K_PROJ, Projection.V_PROJ));
      case MISTRAL -> {}
      default -> {
        if (attentionBias) {
          out.addAll(
              EnumSet.of(
                  Projection.Q_PROJ, Projection.K_PROJ, Projection.V_PROJ, Projection.O_PROJ));
        }
        if (mlpBias && this == LLAMA) {
          out.addAll(EnumSet.of(Projection.GATE_PROJ, Projection.UP_PROJ, Projection.DOWN_PROJ));
        }
      }
    }
    return out;
  }
}
