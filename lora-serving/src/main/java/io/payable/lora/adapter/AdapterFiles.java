package io.payable.lora.adapter;

import io.payable.lora.model.ModelConfig;
import io.payable.lora.model.Safetensors;
import io.payable.lora.model.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates PEFT adapter directories ({@code adapter_config.json} + {@code
 * adapter_model.safetensors}) against a base model.
 */
public final class AdapterFiles {

  /** PEFT key, with or without the {@code base_model.model.} prefix. */
  private static final Pattern KEY =
      Pattern.compile(
          "(?:base_model\\.model\\.)?layers\\.(\\d+)\\.(?:self_attn|mlp)\\.(\\w+)"
              + "\\.lora_([AB])(?:\\.default)?\\.weight");

  private AdapterFiles() {}

  /** Checks an adapter directory against the model from its config and tensor header only. */
  public static AdapterDescriptor describe(String id, Path dir, ModelConfig model, int maxRank)
      throws InvalidAdapterException {
    AdapterConfig cfg = config(id, dir);
    Map<String, Safetensors.TensorInfo> header;
    try {
      header = Safetensors.readHeader(dir.resolve(AdapterConfig.WEIGHTS));
    } catch (IOException e) {
      throw new InvalidAdapterException(id, "cannot read " + AdapterConfig.WEIGHTS + ": " + e, e);
    }
    Set<String> seen = new HashSet<>();
    long bytes = 0;
    for (Map.Entry<String, Safetensors.TensorInfo> e : header.entrySet()) {
      Key k = parse(id, e.getKey(), cfg, model);
      long[] s = e.getValue().shape();
      checkShape(id, e.getKey(), k, s, cfg.rank(), model);
      seen.add(k.layer + "/" + k.module + "/" + k.ab);
      bytes += 4 * e.getValue().elements();
    }
    for (int layer = 0; layer < model.numLayers(); layer++) {
      for (String m : cfg.targetModules()) {
        for (String ab : List.of("A", "B")) {
          if (!seen.contains(layer + "/" + m + "/" + ab)) {
            throw new InvalidAdapterException(
                id, "missing lora_" + ab + " for " + ModelConfig.modulePath(layer, m));
          }
        }
      }
    }
    if (cfg.rank() > maxRank) {
      throw new InvalidAdapterException(
          id, "rank " + cfg.rank() + " exceeds the worker's maximum rank " + maxRank);
    }
    String version = cfg.revision() != null ? cfg.revision() : "r" + cfg.rank();
    return new AdapterDescriptor(id, dir, version, cfg.rank(), cfg.scaling(), bytes);
  }

  /** Loads the weights of a described adapter. */
  public static LoraAdapter load(AdapterDescriptor d, ModelConfig model)
      throws InvalidAdapterException {
    AdapterConfig cfg = config(d.id(), d.dir());
    Map<String, Tensor> tensors;
    try {
      tensors = Safetensors.read(d.dir().resolve(AdapterConfig.WEIGHTS));
    } catch (IOException e) {
      throw new InvalidAdapterException(d.id(), "cannot read weights: " + e, e);
    }
    List<LoraWeights> modules = new ArrayList<>();
    for (int layer = 0; layer < model.numLayers(); layer++) {
      for (String m : ModelConfig.TARGET_MODULES) {
        if (!cfg.targetModules().contains(m)) {
          continue;
        }
        Tensor a = find(tensors, layer, m, "A");
        Tensor b = find(tensors, layer, m, "B");
        if (a == null || b == null) {
          throw new InvalidAdapterException(
              d.id(), "missing weights for " + ModelConfig.modulePath(layer, m));
        }
        checkShape(d.id(), m, new Key(layer, m, "A"), a.shape(), cfg.rank(), model);
        checkShape(d.id(), m, new Key(layer, m, "B"), b.shape(), cfg.rank(), model);
        modules.add(new LoraWeights(layer, m, a, b));
      }
    }
    return new LoraAdapter(d.id(), d.version(), cfg.rank(), (float) cfg.scaling(), modules);
  }

  private static Tensor find(Map<String, Tensor> tensors, int layer, String module, String ab) {
    String path = ModelConfig.modulePath(layer, module) + ".lora_" + ab + ".weight";
    Tensor t = tensors.get("base_model.model." + path);
    return t != null ? t : tensors.get(path);
  }

  private static AdapterConfig config(String id, Path dir) throws InvalidAdapterException {
    if (!Files.isRegularFile(dir.resolve(AdapterConfig.FILE))) {
      throw new InvalidAdapterException(id, "no " + AdapterConfig.FILE + " in " + dir);
    }
    AdapterConfig cfg;
    try {
      cfg = AdapterConfig.read(dir);
    } catch (IOException e) {
      throw new InvalidAdapterException(id, "unreadable " + AdapterConfig.FILE + ": " + e, e);
    }
    if (cfg.peftType() != null && !cfg.peftType().equals("LORA")) {
      throw new InvalidAdapterException(id, "peft_type " + cfg.peftType() + " is not LORA");
    }
    if (cfg.rank() <= 0) {
      throw new InvalidAdapterException(id, "rank r must be positive, got " + cfg.rank());
    }
    if (cfg.targetModules() == null || cfg.targetModules().isEmpty()) {
      throw new InvalidAdapterException(id, "target_modules is empty");
    }
    for (String m : cfg.targetModules()) {
      if (!ModelConfig.TARGET_MODULES.contains(m)) {
        throw new InvalidAdapterException(
            id, "target module " + m + " is not in the base model " + ModelConfig.TARGET_MODULES);
      }
    }
    return cfg;
  }

  private record Key(int layer, String module, String ab) {}

  private static Key parse(String id, String name, AdapterConfig cfg, ModelConfig model)
      throws InvalidAdapterException {
    Matcher m = KEY.matcher(name);
    if (!m.matches()) {
      throw new InvalidAdapterException(id, "unexpected tensor " + name);
    }
    int layer = Integer.parseInt(m.group(1));
    if (layer >= model.numLayers()) {
      throw new InvalidAdapterException(
          id, name + " targets layer " + layer + " but the base model has " + model.numLayers());
    }
    if (!cfg.targetModules().contains(m.group(2))) {
      throw new InvalidAdapterException(id, name + " is not in target_modules");
    }
    return new Key(layer, m.group(2), m.group(3));
  }

  private static void checkShape(
      String id, String name, Key k, long[] s, int rank, ModelConfig model)
      throws InvalidAdapterException {
    int[] outIn = model.moduleShape(k.module);
    long[] want = k.ab.equals("A") ? new long[] {rank, outIn[1]} : new long[] {outIn[0], rank};
    if (s.length != 2 || s[0] != want[0] || s[1] != want[1]) {
      throw new InvalidAdapterException(
          id,
          name
              + " has shape "
              + java.util.Arrays.toString(s)
              + ", base model and rank need "
              + java.util.Arrays.toString(want));
    }
  }
}
