package io.payable.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter as PEFT saves it: {@code adapter_config.json} and {@code
 * adapter_model.safetensors} with keys {@code
 * base_model.model.model.layers.N.{self_attn,mlp}.X.lora_{A,B}.weight}. Read against a base model
 * (every target of every layer present, shapes matching the base) and written in the same layout.
 *
 * @param pairs one pair per (layer, target), ordered by layer then projection
 */
public record PeftAdapter(PeftConfig config, List<LoraPair> pairs) {

  public static final String WEIGHTS = "adapter_model.safetensors";

  /** Saved keys, with the optional adapter name PEFT uses while training ({@code .default}). */
  private static final Pattern KEY =
      Pattern.compile(
          "base_model\\.model\\.model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)"
              + "\\.lora_([AB])(?:\\.default)?\\.weight");

  public PeftAdapter {
    pairs = List.copyOf(pairs);
  }

  public int rank() {
    return config.rank();
  }

  public double scaling() {
    return config.scaling();
  }

  /**
   * Checks an adapter directory against a base model from its config and tensor header only, and
   * returns its config; a mismatch names the file, the tensor and the expected shape.
   */
  public static PeftConfig check(Path dir, ModelConfig base) {
    PeftConfig cfg = PeftConfig.read(dir);
    Path file = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(file)) {
      throw new InvalidModelException(dir + ": no " + WEIGHTS);
    }
    Safetensors.Header h = Safetensors.readHeader(file);
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, Safetensors.TensorInfo> e : h.tensors().entrySet()) {
      String name = e.getKey();
      Matcher m = KEY.matcher(name);
      if (!m.matches()) {
        throw new InvalidModelException(
            file + ": tensor " + name + " is not a PEFT LoRA weight of a decoder layer");
      }
      int layer = Integer.parseInt(m.group(1));
      Projection p = Projection.ofModuleName(m.group(3));
      if (p == null || !p.block().equals(m.group(2))) {
        throw new InvalidModelException(file + ": tensor " + name + " targets an unknown module");
      }
      if (layer >= base.numLayers()) {
        throw new InvalidModelException(
            file
                + ": tensor "
                + name
                + " targets layer "
                + layer
                + ", the base model has "
                + base.numLayers());
      }
      if (!cfg.targets().contains(p)) {
        throw new InvalidModelException(
            file + ": tensor " + name + " targets " + p.moduleName() + ", not in target_modules");
      }
      char ab = m.group(4).charAt(0);
      long[] want = expectedShape(base, p, ab, cfg.rank());
      if (!Arrays.equals(e.getValue().shape(), want)) {
        throw new InvalidModelException(
            file
                + ": tensor "
                + name
                + " has shape "
                + Arrays.toString(e.getValue().shape())
                + ", expected "
                + Arrays.toString(want)
                + " for this base model and r="
                + cfg.rank());
      }
      if (!seen.add(layer + "/" + p + "/" + ab)) {
        throw new InvalidModelException(file + ": tensor " + name + " appears twice");
      }
    }
    for (int l = 0; l < base.numLayers(); l++) {
      for (Projection p : cfg.targets()) {
        for (char ab : new char[] {'A', 'B'}) {
          if (!seen.contains(l + "/" + p + "/" + ab)) {
            throw new InvalidModelException(
                file
                    + ": missing tensor "
                    + LoraPair.key(l, p, ab)
                    + ", expected shape "
                    + Arrays.toString(expectedShape(base, p, ab, cfg.rank())));
          }
        }
      }
    }
    return cfg;
  }

  /** Reads and checks an adapter directory against a base model. */
  public static PeftAdapter read(Path dir, ModelConfig base) {
    PeftConfig cfg = check(dir, base);
    Safetensors.Header h = Safetensors.readHeader(dir.resolve(WEIGHTS));
    Map<String, String> byKey = new LinkedHashMap<>();
    for (String name : h.tensors().keySet()) {
      byKey.put(name.replace(".default.weight", ".weight"), name);
    }
    List<LoraPair> pairs = new ArrayList<>();
    for (int l = 0; l < base.numLayers(); l++) {
      for (Projection p : Projection.values()) {
        if (cfg.targets().contains(p)) {
          Tensor a = Safetensors.readTensor(h, byKey.get(LoraPair.key(l, p, 'A')));
          Tensor b = Safetensors.readTensor(h, byKey.get(LoraPair.key(l, p, 'B')));
          pairs.add(new LoraPair(l, p, a, b));
        }
      }
    }
    return new PeftAdapter(cfg, pairs);
  }

  /** Writes the adapter as PEFT's {@code save_pretrained} does (weights as F32). */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    config.write(dir);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (LoraPair pair : pairs) {
      tensors.put(LoraPair.key(pair.layer(), pair.projection(), 'A'), pair.a());
      tensors.put(LoraPair.key(pair.layer(), pair.projection(), 'B'), pair.b());
    }
    Safetensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
  }

  /** [r, in] for A, [out, r] for B. */
  public static long[] expectedShape(ModelConfig base, Projection p, char ab, int rank) {
    long[] outIn = base.projectionShape(p);
    return ab == 'A' ? new long[] {rank, outIn[1]} : new long[] {outIn[0], rank};
  }

  /** Heap bytes of the weights. */
  public long bytes() {
    long n = 0;
    for (LoraPair p : pairs) {
      n += 4L * (p.a().data().length + p.b().data().length);
    }
    return n;
  }
}
