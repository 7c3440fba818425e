package io.payable.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a Hugging Face checkpoint directory: {@code model.safetensors}, or the shards
 * named by {@code model.safetensors.index.json} ({@code weight_map}: tensor name to shard file).
 * Only headers are read up front; each tensor is read when asked for, with its shape checked.
 */
public final class Checkpoint {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private final Path dir;
  private final Path source;
  private final Map<String, Safetensors.Header> byTensor;

  private Checkpoint(Path dir, Path source, Map<String, Safetensors.Header> byTensor) {
    this.dir = dir;
    this.source = source;
    this.byTensor = byTensor;
  }

  /** Opens a checkpoint directory, reading the index and the shard headers. */
  public static Checkpoint open(Path dir) {
    Map<String, Safetensors.Header> byTensor = new HashMap<>();
    if (Files.isRegularFile(dir.resolve(SINGLE))) {
      Safetensors.Header h = Safetensors.readHeader(dir.resolve(SINGLE));
      h.tensors().keySet().forEach(n -> byTensor.put(n, h));
      return new Checkpoint(dir, dir.resolve(SINGLE), byTensor);
    }
    Path index = dir.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      throw new InvalidModelException(dir + ": no " + SINGLE + " and no " + INDEX);
    }
    JsonNode map;
    try {
      map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
    } catch (IOException e) {
      throw new InvalidModelException(index + ": not valid JSON: " + e.getMessage());
    }
    if (map == null || !map.isObject()) {
      throw new InvalidModelException(index + ": no weight_map object");
    }
    Map<String, Safetensors.Header> shards = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String shard = e.getValue().asText();
      Path file = dir.resolve(shard).normalize();
      if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
        throw new InvalidModelException(
            index + ": tensor " + e.getKey() + " is mapped to missing shard " + shard);
      }
      Safetensors.Header h = shards.computeIfAbsent(shard, s -> Safetensors.readHeader(file));
      if (!h.tensors().containsKey(e.getKey())) {
        throw new InvalidModelException(
            file + ": no tensor " + e.getKey() + " (named by " + INDEX + ")");
      }
      byTensor.put(e.getKey(), h);
    }
    return new Checkpoint(dir, index, byTensor);
  }

  public Path dir() {
    return dir;
  }

  public boolean contains(String name) {
    return byTensor.containsKey(name);
  }

  /** Reads a tensor, which must exist with exactly the expected shape. */
  public Tensor load(String name, long... expected) {
    Safetensors.Header h = byTensor.get(name);
    if (h == null) {
      throw new InvalidModelException(
          source + ": missing tensor " + name + ", expected shape " + Arrays.toString(expected));
    }
    long[] shape = h.tensors().get(name).shape();
    if (!Arrays.equals(shape, expected)) {
      throw new InvalidModelException(
          h.file()
              + ": tensor "
              + name
              + " has shape "
              + Arrays.toString(shape)
              + ", expected "
              + Arrays.toString(expected));
    }
    return Safetensors.readTensor(h, name);
  }
}
