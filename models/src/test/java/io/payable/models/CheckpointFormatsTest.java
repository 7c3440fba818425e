package io.payable.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded checkpoints, and adapters written in PEFT's layout, reproduce the reference logits. */
class CheckpointFormatsTest {
  private static NDManager manager;

  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    Engines.pytorch();
    manager = Engines.newManager(ai.djl.Device.cpu());
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static float[] lastLogits(CausalLm model, int[] prompt, int slot) {
    try (Sequence seq = model.newSequence()) {
      return model.forward(List.of(new Segment(seq, prompt, slot)), false)[0];
    }
  }

  @Test
  void shardedCheckpointGivesTheReferenceLogits() throws IOException {
    String name = "llama3-rope-scaled";
    Path src = Fixtures.dir(name).resolve("base");
    Path dir = tmp.resolve("sharded");
    Files.createDirectories(dir);
    Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
    Map<String, Tensor> all = Safetensors.read(src.resolve("model.safetensors"));
    List<Map<String, Tensor>> shards = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = json.createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    int i = 0;
    for (Map.Entry<String, Tensor> e : all.entrySet()) {
      int s = i++ % 2;
      shards.get(s).put(e.getKey(), e.getValue());
      map.put(e.getKey(), "model-0000" + (s + 1) + "-of-00002.safetensors");
    }
    for (int s = 0; s < 2; s++) {
      Safetensors.write(
          dir.resolve("model-0000" + (s + 1) + "-of-00002.safetensors"), shards.get(s), Map.of());
    }
    json.writeValue(dir.resolve(Checkpoint.INDEX).toFile(), index);
    assertThat(dir.resolve(Checkpoint.SINGLE)).doesNotExist();

    int[] prompt = Fixtures.ints(Fixtures.reference(name).get("prompts").get(1));
    try (CausalLm model = CausalLm.load(dir, manager, LoadOptions.cpu(0, 8))) {
      FixtureModelsTest.assertClose(
          "sharded",
          lastLogits(model, prompt, Segment.BASE),
          Fixtures.logits(name).get("base.prompt1.last").data());
    }
  }

  @Test
  void writtenAdapterHasPeftLayoutAndTheReferenceLogits() throws IOException {
    String name = "llama-gqa-tied";
    Path src = Fixtures.dir(name).resolve("adapters/c-rslora-r16");
    Path out = tmp.resolve("written");
    try (CausalLm model =
        CausalLm.load(Fixtures.dir(name).resolve("base"), manager, LoadOptions.cpu(1, 16))) {
      PeftAdapter read = PeftAdapter.read(src, model.config());
      read.write(out);

      assertThat(Safetensors.readHeader(out.resolve(PeftAdapter.WEIGHTS)).tensors().keySet())
          .isEqualTo(
              new HashSet<>(
                  Safetensors.readHeader(src.resolve(PeftAdapter.WEIGHTS)).tensors().keySet()));
      PeftAdapter again = PeftAdapter.read(out, model.config());
      assertThat(again.config()).isEqualTo(read.config());
      assertThat(again.config().useRslora()).isTrue();
      assertThat(again.scaling()).isEqualTo(16 / Math.sqrt(16));

      model.writeSlot(0, again);
      int[] prompt = Fixtures.ints(Fixtures.reference(name).get("prompts").get(0));
      FixtureModelsTest.assertClose(
          "written adapter",
          lastLogits(model, prompt, 0),
          Fixtures.logits(name).get("c-rslora-r16.prompt0.last").data());

      // A cleared slot is the base model again.
      model.clearSlot(0);
      FixtureModelsTest.assertClose(
          "cleared slot",
          lastLogits(model, prompt, 0),
          Fixtures.logits(name).get("base.prompt0.last").data());
    }
  }

  @Test
  void configsOfEveryFamilyParse() {
    List<String> seen = new ArrayList<>();
    for (String name : Fixtures.MODELS) {
      ModelConfig c = ModelConfig.read(Fixtures.dir(name).resolve("base"));
      seen.add(c.family().modelType());
    }
    assertThat(seen).containsExactly("llama", "qwen2", "qwen3", "llama", "mistral");
    ModelConfig qwen3 = ModelConfig.read(Fixtures.dir("qwen3-qknorm").resolve("base"));
    assertThat(qwen3.headDim()).isEqualTo(32);
    assertThat(qwen3.projectionShape(Projection.Q_PROJ)).containsExactly(128, 64);
    assertThat(qwen3.qkNorm()).isTrue();
    ModelConfig qwen2 = ModelConfig.read(Fixtures.dir("qwen2-bias").resolve("base"));
    assertThat(qwen2.biased())
        .containsExactlyInAnyOrder(Projection.Q_PROJ, Projection.K_PROJ, Projection.V_PROJ);
    ModelConfig scaled = ModelConfig.read(Fixtures.dir("llama3-rope-scaled").resolve("base"));
    assertThat(scaled.rope().type()).isEqualTo("llama3");
    assertThat(scaled.rope().factor()).isEqualTo(8.0);
  }
}
