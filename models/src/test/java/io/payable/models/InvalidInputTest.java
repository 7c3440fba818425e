package io.payable.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad checkpoints and adapters give one line naming the file, the tensor or field, and what was
 * expected; unsupported PEFT options are refused with the option named.
 */
class InvalidInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  private Path copyOfBase(String model) throws IOException {
    Path dir = tmp.resolve(model);
    Files.createDirectories(dir);
    Path src = Fixtures.dir(model).resolve("base");
    for (String f : new String[] {"config.json", "model.safetensors"}) {
      Files.copy(src.resolve(f), dir.resolve(f));
    }
    return dir;
  }

  private static void editConfig(Path dir, String field, Object value) throws IOException {
    ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    c.set(field, JSON.valueToTree(value));
    JSON.writeValue(dir.resolve("config.json").toFile(), c);
  }

  private static void assertOneLine(Throwable e) {
    assertThat(e).isInstanceOf(InvalidModelException.class);
    assertThat(e.getMessage()).doesNotContain("\n");
  }

  @Test
  void unknownModelTypeIsNamed() throws IOException {
    Path dir = copyOfBase("mistral");
    editConfig(dir, "model_type", "gpt2");
    assertThatThrownBy(() -> ModelConfig.read(dir))
        .satisfies(InvalidInputTest::assertOneLine)
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("model_type gpt2 is not supported");
  }

  @Test
  void missingTensorNamesFileTensorAndShape() throws IOException {
    Path dir = copyOfBase("mistral");
    Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
    w.remove("model.layers.1.mlp.down_proj.weight");
    Safetensors.write(dir.resolve("model.safetensors"), w, Map.of());
    assertThatThrownBy(() -> CausalLm.load(dir, manager, LoadOptions.cpu(0, 8)))
        .satisfies(InvalidInputTest::assertOneLine)
        .hasMessage(
            dir.resolve("model.safetensors")
                + ": missing tensor model.layers.1.mlp.down_proj.weight, expected shape [64, 128]");
  }

  @Test
  void misShapedTensorNamesFileTensorAndShape() throws IOException {
    Path dir = copyOfBase("mistral");
    // One KV head of 16: k_proj is [16, 64]; a config claiming two KV heads expects [32, 64].
    editConfig(dir, "num_key_value_heads", 2);
    assertThatThrownBy(() -> CausalLm.load(dir, manager, LoadOptions.cpu(0, 8)))
        .satisfies(InvalidInputTest::assertOneLine)
        .hasMessage(
            dir.resolve("model.safetensors")
                + ": tensor model.layers.0.self_attn.k_proj.weight has shape [16, 64], expected [32, 64]");
  }

  @Test
  void unsupportedDtypeNamesFileAndTensor() throws IOException {
    Path dir = copyOfBase("mistral");
    Path file = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    int headerLength =
        (int)
            java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, headerLength, StandardCharsets.UTF_8);
    // Same length, so offsets stay valid: the lm_head becomes a (declared) float64 tensor.
    int at = header.indexOf("\"lm_head.weight\"");
    int dtype = header.indexOf("\"F32\"", at);
    byte[] patched = "\"F64\"".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(patched, 0, bytes, 8 + dtype, patched.length);
    Files.write(file, bytes);
    assertThatThrownBy(() -> CausalLm.load(dir, manager, LoadOptions.cpu(0, 8)))
        .satisfies(InvalidInputTest::assertOneLine)
        .hasMessage(file + ": tensor lm_head.weight has dtype F64; supported: F32, F16, BF16");
  }

  @Test
  void noWeightsAtAll() throws IOException {
    Path dir = copyOfBase("mistral");
    Files.delete(dir.resolve("model.safetensors"));
    assertThatThrownBy(() -> CausalLm.load(dir, manager, LoadOptions.cpu(0, 8)))
        .satisfies(InvalidInputTest::assertOneLine)
        .hasMessage(dir + ": no model.safetensors and no model.safetensors.index.json");
  }

  @Test
  void unsupportedRopeTypeIsNamed() throws IOException {
    Path dir = copyOfBase("mistral");
    editConfig(dir, "rope_parameters", Map.of("rope_type", "yarn", "factor", 4.0));
    assertThatThrownBy(() -> ModelConfig.read(dir))
        .satisfies(InvalidInputTest::assertOneLine)
        .hasMessageContaining("rope type yarn is not supported");
  }

  @Test
  void adapterForAnotherBaseNamesTensorAndExpectedShape() {
    // The Qwen2 adapter was trained on two KV heads; Mistral's k_proj has one (16 outputs).
    ModelConfig mistral = ModelConfig.read(Fixtures.dir("mistral").resolve("base"));
    Path adapter = Fixtures.dir("qwen2-bias").resolve("adapters/qwen-all-r8");
    assertThatThrownBy(() -> PeftAdapter.read(adapter, mistral))
        .satisfies(InvalidInputTest::assertOneLine)
        .hasMessageContaining(adapter.resolve("adapter_model.safetensors").toString())
        .hasMessageMatching(
            ".*tensor base_model\\.model\\.model\\.layers\\.0\\.self_attn\\.k_proj\\.lora_B\\.weight"
                + " has shape \\[32, 8\\], expected \\[16, 8\\].*");
  }

  @Test
  void unsupportedPeftOptionsAreRefusedWithTheirName() throws IOException {
    Path src = Fixtures.dir("mistral").resolve("adapters/mistral-gate-up-r2");
    ModelConfig base = ModelConfig.read(Fixtures.dir("mistral").resolve("base"));
    Map<String, Object[]> cases = new LinkedHashMap<>();
    cases.put("rank_pattern", new Object[] {Map.of("gate_proj", 4), "rank_pattern"});
    cases.put("use_dora", new Object[] {true, "DoRA"});
    cases.put("modules_to_save", new Object[] {java.util.List.of("lm_head"), "modules_to_save"});
    cases.put("bias", new Object[] {"lora_only", "bias training"});
    cases.put(
        "target_modules", new Object[] {java.util.List.of("lm_head"), "target module lm_head"});
    for (Map.Entry<String, Object[]> c : cases.entrySet()) {
      Path dir = tmp.resolve("adapter-" + c.getKey());
      Files.createDirectories(dir);
      Files.copy(
          src.resolve("adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"));
      ObjectNode cfg = (ObjectNode) JSON.readTree(src.resolve("adapter_config.json").toFile());
      cfg.set(c.getKey(), JSON.valueToTree(c.getValue()[0]));
      JSON.writeValue(dir.resolve("adapter_config.json").toFile(), cfg);
      assertThatThrownBy(() -> PeftAdapter.read(dir, base))
          .as(c.getKey())
          .satisfies(InvalidInputTest::assertOneLine)
          .hasMessageContaining(dir.resolve("adapter_config.json").toString())
          .hasMessageContaining((String) c.getValue()[1]);
    }
  }

  @Test
  void rankBeyondTheSlotWidthIsRefused() {
    Path dir = Fixtures.dir("llama-gqa-tied");
    try (CausalLm model = CausalLm.load(dir.resolve("base"), manager, LoadOptions.cpu(1, 8))) {
      PeftAdapter r16 = PeftAdapter.read(dir.resolve("adapters/c-rslora-r16"), model.config());
      assertThatThrownBy(() -> model.writeSlot(0, r16))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("adapter rank 16 exceeds the slot width 8");
    }
  }

  @Test
  void sequencesBeyondTheContextAreRefused() {
    try (CausalLm model =
            CausalLm.load(Fixtures.dir("mistral").resolve("base"), manager, LoadOptions.cpu(0, 8));
        Sequence seq = model.newSequence()) {
      int[] tokens = new int[model.config().maxPositions() + 1];
      assertThatThrownBy(
              () -> model.forward(java.util.List.of(new Segment(seq, tokens, -1)), false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("sequence of 257 tokens exceeds the model's context of 256");
      assertThat(seq.length()).isZero();
    }
  }
}
