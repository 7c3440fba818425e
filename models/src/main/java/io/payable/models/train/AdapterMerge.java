package io.payable.models.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.models.Checkpoint;
import io.payable.models.InvalidModelException;
import io.payable.models.LoraPair;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.Safetensors;
import io.payable.models.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Folds a LoRA adapter into its base model, as PEFT's {@code merge_and_unload} does: every adapted
 * projection becomes {@code W + scaling * B A}. The result is a Hugging Face checkpoint directory
 * (one float32 {@code model.safetensors}, the base's other files copied) that serves and trains as
 * any base model.
 */
public final class AdapterMerge {

  private AdapterMerge() {}

  /**
   * Writes {@code base} with {@code adapterDir} merged into {@code target}, which must not exist or
   * be empty; returns the merged model's config.
   */
  public static ModelConfig merge(Path base, Path adapterDir, Path target) throws IOException {
    ModelConfig config = ModelConfig.read(base);
    PeftAdapter adapter = PeftAdapter.read(adapterDir, config);
    Map<String, Tensor> weights = readAll(base);
    for (LoraPair pair : adapter.pairs()) {
      String name = pair.projection().path(pair.layer()) + ".weight";
      Tensor w = weights.get(name);
      if (w == null) {
        throw new InvalidModelException(base + ": missing tensor " + name);
      }
      weights.put(name, merged(w, pair.a(), pair.b(), adapter.scaling()));
    }
    Files.createDirectories(target);
    try (var entries = Files.list(target)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException(target + " is not empty");
      }
    }
    try (var files = Files.list(base)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (Files.isRegularFile(f) && !n.endsWith(".safetensors") && !n.equals(Checkpoint.INDEX)) {
          Files.copy(f, target.resolve(n));
        }
      }
    }
    Safetensors.write(target.resolve(Checkpoint.SINGLE), weights, Map.of("format", "pt"));
    // The weights are written as float32 whatever the base's were.
    Path json = target.resolve(ModelConfig.FILE);
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = (ObjectNode) mapper.readTree(json.toFile());
    if (node.has("torch_dtype")) {
      node.put("torch_dtype", "float32");
      mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), node);
    }
    return ModelConfig.read(target);
  }

  /** {@code w + scaling * b a}, with w [out, in], a [r, in] and b [out, r]. */
  static Tensor merged(Tensor w, Tensor a, Tensor b, double scaling) {
    int out = w.rows();
    int in = w.cols();
    int r = a.rows();
    if (a.cols() != in || b.rows() != out || b.cols() != r) {
      throw new IllegalArgumentException(
          "adapter shapes do not fit the weight: w "
              + out
              + "x"
              + in
              + ", a "
              + a.rows()
              + "x"
              + a.cols()
              + ", b "
              + b.rows()
              + "x"
              + b.cols());
    }
    float[] wd = w.data();
    float[] ad = a.data();
    float[] bd = b.data();
    float[] result = new float[wd.length];
    double[] row = new double[in];
    for (int o = 0; o < out; o++) {
      java.util.Arrays.fill(row, 0);
      for (int k = 0; k < r; k++) {
        double bk = bd[o * r + k];
        for (int i = 0; i < in; i++) {
          row[i] += bk * ad[k * in + i];
        }
      }
      for (int i = 0; i < in; i++) {
        result[o * in + i] = (float) (wd[o * in + i] + scaling * row[i]);
      }
    }
    return new Tensor(w.shape(), result);
  }

  /** Every tensor of a checkpoint directory, single file or shards, in name order. */
  private static Map<String, Tensor> readAll(Path base) throws IOException {
    if (Files.isRegularFile(base.resolve(Checkpoint.SINGLE))) {
      return new LinkedHashMap<>(Safetensors.read(base.resolve(Checkpoint.SINGLE)));
    }
    Path index = base.resolve(Checkpoint.INDEX);
    if (!Files.isRegularFile(index)) {
      throw new InvalidModelException(
          base + ": no " + Checkpoint.SINGLE + " and no " + Checkpoint.INDEX);
    }
    JsonNode map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
    if (map == null || !map.isObject()) {
      throw new InvalidModelException(index + ": no weight_map object");
    }
    TreeSet<String> shards = new TreeSet<>();
    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
      shards.add(it.next().asText());
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String shard : shards) {
      out.putAll(Safetensors.read(base.resolve(shard)));
    }
    return out;
  }
}
