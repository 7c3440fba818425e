package io.payable.lora.model;

import io.payable.lora.adapter.AdapterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes small random base models and PEFT adapters, so tests and benchmarks need no download.
 * Adapters get a non-zero B (PEFT initialises B to zero, which would hide every LoRA bug).
 */
public final class SyntheticModels {

  private SyntheticModels() {}

  /** Random base weights for a config. */
  public static Map<String, Tensor> baseWeights(ModelConfig c, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> w = new LinkedHashMap<>();
    int d = c.hiddenSize();
    w.put("embed_tokens.weight", random(rnd, 0.5f, c.vocabSize(), d));
    w.put("embed_positions.weight", random(rnd, 0.1f, c.maxPositions(), d));
    for (int l = 0; l < c.numLayers(); l++) {
      String p = "layers." + l + ".";
      w.put(p + "input_layernorm.weight", ones(d));
      w.put(p + "input_layernorm.bias", zeros(d));
      w.put(p + "post_attention_layernorm.weight", ones(d));
      w.put(p + "post_attention_layernorm.bias", zeros(d));
      for (String m : ModelConfig.TARGET_MODULES) {
        int[] oi = c.moduleShape(m);
        w.put(
            ModelConfig.modulePath(l, m) + ".weight",
            random(rnd, (float) (1 / Math.sqrt(oi[1])), oi[0], oi[1]));
      }
    }
    w.put("norm.weight", ones(d));
    w.put("norm.bias", zeros(d));
    w.put("lm_head.weight", random(rnd, (float) (1 / Math.sqrt(d)), c.vocabSize(), d));
    return w;
  }

  /** Writes config.json and model.safetensors into {@code dir}. */
  public static void writeBase(Path dir, ModelConfig c, long seed) throws IOException {
    Files.createDirectories(dir);
    c.write(dir);
    Safetensors.write(dir.resolve(ModelConfig.WEIGHTS), baseWeights(c, seed), Map.of());
  }

  /** Writes a PEFT adapter directory {@code dir} for the base model. */
  public static void writeAdapter(
      Path dir, ModelConfig c, int rank, double alpha, List<String> targets, long seed)
      throws IOException {
    Files.createDirectories(dir);
    new AdapterConfig("LORA", rank, alpha, false, targets, c.modelId(), "seed-" + seed).write(dir);
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Tensor> w = new LinkedHashMap<>();
    for (int l = 0; l < c.numLayers(); l++) {
      for (String m : targets) {
        int[] oi = c.moduleShape(m);
        String p = "base_model.model." + ModelConfig.modulePath(l, m);
        w.put(p + ".lora_A.weight", random(rnd, (float) (1 / Math.sqrt(oi[1])), rank, oi[1]));
        w.put(p + ".lora_B.weight", random(rnd, 0.2f, oi[0], rank));
      }
    }
    Safetensors.write(dir.resolve(AdapterConfig.WEIGHTS), w, Map.of("format", "pt"));
  }

  private static Tensor random(SplittableRandom rnd, float scale, int rows, int cols) {
    float[] data = new float[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale * Math.sqrt(3));
    }
    return new Tensor(new long[] {rows, cols}, data);
  }

  private static Tensor ones(int n) {
    float[] data = new float[n];
    java.util.Arrays.fill(data, 1f);
    return new Tensor(new long[] {n}, data);
  }

  private static Tensor zeros(int n) {
    return new Tensor(new long[] {n}, new float[n]);
  }
}
