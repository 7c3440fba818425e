package io.payable.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The architecture of a checkpoint, read from a Hugging Face {@code config.json}.
 *
 * @param family the decoder family ({@code model_type})
 * @param headDim per-head width; Qwen3 gives it explicitly and it may differ from hidden / heads
 * @param maxPositions the longest sequence served: {@code max_position_embeddings}, or the sliding
 *     window when one is in use (sliding-window attention is not implemented, so longer sequences
 *     are refused rather than computed differently)
 * @param biased projections that carry a bias
 * @param qkNorm whether queries and keys are RMS-normalised per head (Qwen3)
 * @param eosTokenIds end-of-sequence ids from config.json (generation_config.json may add more)
 * @param checkpointDtype {@code dtype} (or {@code torch_dtype}): float32, bfloat16 or float16
 */
public record ModelConfig(
    ModelFamily family,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    double rmsNormEps,
    RopeScaling rope,
    int maxPositions,
    boolean tieWordEmbeddings,
    Set<Projection> biased,
    boolean qkNorm,
    Integer bosTokenId,
    List<Integer> eosTokenIds,
    String checkpointDtype) {

  public static final String FILE = "config.json";

  public ModelConfig {
    biased = Set.copyOf(biased);
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** Reads and validates {@code dir/config.json}. */
  public static ModelConfig read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(dir + ": no " + FILE + " (not a Hugging Face checkpoint)");
    }
    JsonNode c;
    try {
      c = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidModelException(file + ": not valid JSON: " + e.getMessage());
    }
    if (c == null || !c.isObject()) {
      throw new InvalidModelException(file + ": not a JSON object");
    }
    return parse(file, c);
  }

  static ModelConfig parse(Path file, JsonNode c) {
    String type = text(c, "model_type");
    ModelFamily family = ModelFamily.ofModelType(type);
    if (family == null) {
      throw new InvalidModelException(
          file
              + ": model_type "
              + (type == null ? "(missing)" : type)
              + " is not supported; supported: llama, mistral, qwen2, qwen3");
    }
    JsonNode arch = c.get("architectures");
    if (arch != null && arch.isArray()) {
      for (JsonNode a : arch) {
        if (!a.asText().equals(family.architecture())) {
          throw new InvalidModelException(
              file
                  + ": architectures "
                  + a.asText()
                  + " is not supported for model_type "
                  + type
                  + "; expected "
                  + family.architecture());
        }
      }
    }
    if (c.hasNonNull("quantization_config")) {
      throw new InvalidModelException(
          file + ": quantization_config is set; quantized checkpoints are not supported");
    }
    String act = c.hasNonNull("hidden_act") ? c.get("hidden_act").asText() : "silu";
    if (!act.equals("silu")) {
      throw new InvalidModelException(
          file + ": hidden_act " + act + " is not supported; expected silu");
    }
    int hidden = positive(file, c, "hidden_size");
    int heads = positive(file, c, "num_attention_heads");
    int kvHeads =
        c.hasNonNull("num_key_value_heads") ? positive(file, c, "num_key_value_heads") : heads;
    if (heads % kvHeads != 0) {
      throw new InvalidModelException(
          file
              + ": num_attention_heads "
              + heads
              + " is not a multiple of num_key_value_heads "
              + kvHeads);
    }
    int headDim;
    if (c.hasNonNull("head_dim")) {
      headDim = positive(file, c, "head_dim");
    } else if (hidden % heads == 0) {
      headDim = hidden / heads;
    } else {
      throw new InvalidModelException(
          file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
    }
    if (headDim % 2 != 0) {
      throw new InvalidModelException(
          file + ": head_dim " + headDim + " must be even for rotary embeddings");
    }
    int maxPositions = positive(file, c, "max_position_embeddings");
    boolean sliding =
        c.hasNonNull("sliding_window")
            && (family == ModelFamily.MISTRAL
                || (c.hasNonNull("use_sliding_window") && c.get("use_sliding_window").asBoolean()));
    if (sliding) {
      maxPositions = Math.min(maxPositions, positive(file, c, "sliding_window"));
    }
    double eps = c.hasNonNull("rms_norm_eps") ? c.get("rms_norm_eps").asDouble() : 1e-6;
    if (!(eps > 0)) {
      throw new InvalidModelException(file + ": rms_norm_eps must be positive");
    }
    boolean attentionBias = c.hasNonNull("attention_bias") && c.get("attention_bias").asBoolean();
    boolean mlpBias = c.hasNonNull("mlp_bias") && c.get("mlp_bias").asBoolean();
    return new ModelConfig(
        family,
        positive(file, c, "vocab_size"),
        hidden,
        positive(file, c, "intermediate_size"),
        positive(file, c, "num_hidden_layers"),
        heads,
        kvHeads,
        headDim,
        eps,
        rope(file, c),
        maxPositions,
        c.hasNonNull("tie_word_embeddings") && c.get("tie_word_embeddings").asBoolean(),
        family.biased(attentionBias, mlpBias),
        family == ModelFamily.QWEN3,
        c.hasNonNull("bos_token_id") ? c.get("bos_token_id").asInt() : null,
        ids(c.get("eos_token_id")),
        dtype(file, c));
  }

  private static String dtype(Path file, JsonNode c) {
    String d = text(c, "dtype");
    if (d == null) {
      d = text(c, "torch_dtype");
    }
    if (d == null) {
      return "float32";
    }
    return switch (d) {
      case "float32", "bfloat16", "float16" -> d;
      default ->
          throw new InvalidModelException(
              file + ": dtype " + d + " is not supported; supported: float32, bfloat16, float16");
    };
  }

  /** [out, in] of a projection's weight. */
  public long[] projectionShape(Projection p) {
    long q = (long) numHeads * headDim;
    long kv = (long) numKvHeads * headDim;
    return switch (p) {
      case Q_PROJ -> new long[] {q, hiddenSize};
      case K_PROJ, V_PROJ -> new long[] {kv, hiddenSize};
      case O_PROJ -> new long[] {hiddenSize, q};
      case GATE_PROJ, UP_PROJ -> new long[] {intermediateSize, hiddenSize};
      case DOWN_PROJ -> new long[] {hiddenSize, intermediateSize};
    };
  }

  /** Parameters of the base model, for sizing and benchmarks. */
  public long parameterCount() {
    long n = (long) vocabSize * hiddenSize * (tieWordEmbeddings ? 1 : 2) + hiddenSize;
    for (Projection p : Projection.values()) {
      long[] s = projectionShape(p);
      n += numLayers * (s[0] * s[1] + (biased.contains(p) ? s[0] : 0));
    }
    n += (long) numLayers * (2L * hiddenSize + (qkNorm ? 2L * headDim : 0));
    return n;
  }

  static List<Integer> ids(JsonNode n) {
    List<Integer> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (n.isArray()) {
      n.forEach(e -> out.add(e.asInt()));
    } else {
      out.add(n.asInt());
    }
    return out;
  }

  private static RopeScaling rope(Path file, JsonNode c) {
    // transformers 5 writes rope_parameters (theta included); transformers 4 rope_theta and an
    // optional rope_scaling.
    JsonNode params = c.get("rope_parameters");
    double theta;
    JsonNode scaling;
    if (params != null && params.isObject()) {
      theta = params.hasNonNull("rope_theta") ? params.get("rope_theta").asDouble() : 10000.0;
      scaling = params;
    } else {
      theta = c.hasNonNull("rope_theta") ? c.get("rope_theta").asDouble() : 10000.0;
      scaling = c.get("rope_scaling");
    }
    if (scaling == null || scaling.isNull()) {
      return RopeScaling.plain(theta);
    }
    String type =
        scaling.hasNonNull("rope_type")
            ? scaling.get("rope_type").asText()
            : scaling.hasNonNull("type") ? scaling.get("type").asText() : "default";
    return switch (type) {
      case "default" -> RopeScaling.plain(theta);
      case "linear" -> new RopeScaling("linear", theta, number(file, scaling, "factor"), 0, 0, 0);
      case "llama3" ->
          new RopeScaling(
              "llama3",
              theta,
              number(file, scaling, "factor"),
              number(file, scaling, "low_freq_factor"),
              number(file, scaling, "high_freq_factor"),
              (int) number(file, scaling, "original_max_position_embeddings"));
      default ->
          throw new InvalidModelException(
              file
                  + ": rope type "
                  + type
                  + " is not supported; supported: default, linear, llama3");
    };
  }

  private static double number(Path file, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber() || !(v.asDouble() > 0)) {
      throw new InvalidModelException(file + ": rope scaling needs a positive " + field);
    }
    return v.asDouble();
  }

  private static String text(JsonNode c, String field) {
    return c.hasNonNull(field) ? c.get(field).asText() : null;
  }

  private static int positive(Path file, JsonNode c, String field) {
    JsonNode v = c.get(field);
    if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
      throw new InvalidModelException(
          file + ": " + field + " must be a positive integer, got " + (v == null ? "nothing" : v));
    }
    return v.asInt();
  }

  @Override
  public String toString() {
    return family.modelType()
        + "(layers="
        + numLayers
        + ", hidden="
        + hiddenSize
        + ", heads="
        + numHeads
        + "/"
        + numKvHeads
        + ", head_dim="
        + headDim
        + ", vocab="
        + vocabSize
        + ", biased="
        + Arrays.toString(biased.toArray())
        + ")";
  }
}
