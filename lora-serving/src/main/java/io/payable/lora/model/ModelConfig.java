package io.payable.lora.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Base model shape, read from {@code config.json} in the model directory (Hugging Face style
 * names). The model is a pre-LayerNorm decoder-only transformer with learned positions and a GELU
 * MLP; its linear layers are the LoRA target modules {@link #TARGET_MODULES}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(
    @JsonProperty("model_id") String modelId,
    @JsonProperty("vocab_size") int vocabSize,
    @JsonProperty("hidden_size") int hiddenSize,
    @JsonProperty("num_layers") int numLayers,
    @JsonProperty("num_heads") int numHeads,
    @JsonProperty("intermediate_size") int intermediateSize,
    @JsonProperty("max_position_embeddings") int maxPositions,
    @JsonProperty("layer_norm_eps") double layerNormEps) {

  public static final String FILE = "config.json";
  public static final String WEIGHTS = "model.safetensors";

  /** Linear modules an adapter may target, in the order each layer applies them. */
  public static final List<String> TARGET_MODULES =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj");

  public ModelConfig {
    if (vocabSize <= 0 || hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0) {
      throw new IllegalArgumentException("model sizes must be positive");
    }
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException("hidden_size must be a multiple of num_heads");
    }
    if (intermediateSize <= 0 || maxPositions <= 0) {
      throw new IllegalArgumentException("intermediate_size and positions must be positive");
    }
    if (layerNormEps <= 0) {
      layerNormEps = 1e-5;
    }
  }

  public static ModelConfig read(Path dir) throws IOException {
    return new ObjectMapper().readValue(dir.resolve(FILE).toFile(), ModelConfig.class);
  }

  public void write(Path dir) throws IOException {
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve(FILE).toFile(), this);
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** Weight name of a target module in a layer, e.g. {@code layers.0.self_attn.q_proj.weight}. */
  public static String modulePath(int layer, String module) {
    String block = module.equals("up_proj") || module.equals("down_proj") ? "mlp" : "self_attn";
    return "layers." + layer + "." + block + "." + module;
  }

  /** [out, in] of a target module's weight. */
  public int[] moduleShape(String module) {
    return switch (module) {
      case "q_proj", "k_proj", "v_proj", "o_proj" -> new int[] {hiddenSize, hiddenSize};
      case "up_proj" -> new int[] {intermediateSize, hiddenSize};
      case "down_proj" -> new int[] {hiddenSize, intermediateSize};
      default -> throw new IllegalArgumentException("unknown target module " + module);
    };
  }
}
