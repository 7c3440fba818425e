package io.payable.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face reference fixtures under {@code src/test/resources/hf}: tiny random-weight
 * checkpoints, PEFT adapters, and logits and greedy tokens computed by transformers and PEFT.
 */
final class Fixtures {
  static final List<String> MODELS =
      List.of("llama-gqa-tied", "qwen2-bias", "qwen3-qknorm", "llama3-rope-scaled", "mistral");

  private Fixtures() {}

  static Path dir(String model) {
    try {
      return Path.of(Fixtures.class.getResource("/hf/" + model).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode reference(String model) {
    try {
      return new ObjectMapper().readTree(dir(model).resolve("reference.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Tensor> logits(String model) {
    return Safetensors.read(dir(model).resolve("reference.safetensors"));
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  static List<String> adapters(String model) {
    List<String> out = new ArrayList<>();
    reference(model).path("adapters").fieldNames().forEachRemaining(out::add);
    return out;
  }
}
