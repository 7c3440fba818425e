package io.payable.models.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.models.Engines;
import io.payable.models.LoraPair;
import io.payable.models.ModelConfig;
import io.payable.models.PeftAdapter;
import io.payable.models.Safetensors;
import io.payable.models.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training forward pass of the other families against transformers + PEFT: logits of every
 * prompt position of the base and of each adapter within the fixtures' f32 agreement (1e-4), for
 * Qwen2 (q/k/v biases, untied head), Llama with llama3 rope scaling, and Mistral (one KV head). The
 * Qwen3 fixture's reference was computed from a model cast to float16, whose rotary frequencies are
 * rounded to it; training loads in F32 as transformers does, so Qwen3's q/k norm is checked against
 * the serving forward in {@link TrainedAdapterServingTest} instead.
 */
class TrainingForwardFamiliesTest {
  private static final double TOL = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-bias", "llama3-rope-scaled", "mistral"})
  void logitsMatchTransformers(String name) throws Exception {
    Path dir = Path.of(getClass().getResource("/hf/" + name).toURI());
    JsonNode ref = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
    Map<String, Tensor> logits = Safetensors.read(dir.resolve("reference.safetensors"));
    ModelConfig config = ModelConfig.read(dir.resolve("base"));
    List<String> tags = new ArrayList<>();
    tags.add("base");
    ref.path("adapters").fieldNames().forEachRemaining(tags::add);
    try (NDManager m = Engines.newManager(Device.cpu());
        LoraModel model = LoraModel.load(dir.resolve("base"), m, Device.cpu())) {
      for (String tag : tags) {
        LoraParams params;
        if (tag.equals("base")) {
          params = new LoraParams(config.numLayers(), 1.0);
        } else {
          PeftAdapter a = PeftAdapter.read(dir.resolve("adapters").resolve(tag), config);
          LoraTrainingConfig cfg =
              LoraTrainingConfig.builder()
                  .rank(a.rank())
                  .alpha(a.config().alpha())
                  .rsLora(a.config().useRslora())
                  .targets(a.config().targets())
                  .build();
          Map<String, Tensor> byKey = new HashMap<>();
          for (LoraPair p : a.pairs()) {
            byKey.put(LoraPair.key(p.layer(), p.projection(), 'A'), p.a());
            byKey.put(LoraPair.key(p.layer(), p.projection(), 'B'), p.b());
          }
          params =
              LoraState.of(config, cfg, byKey).upload(m, cfg.scaling(), config.numLayers(), false);
        }
        JsonNode prompts = ref.get("prompts");
        for (int i = 0; i < prompts.size(); i++) {
          int[] ids = new int[prompts.get(i).size()];
          for (int t = 0; t < ids.length; t++) {
            ids[t] = prompts.get(i).get(t).asInt();
          }
          float[] want = logits.get(tag + ".prompt" + i + ".all").data();
          float[] got;
          try (NDManager step = m.newSubManager()) {
            got =
                model
                    .logits(model.hidden(step, List.of(TrainingSequence.of(ids)), params, 0f))
                    .toFloatArray();
          }
          assertThat(got).hasSameSizeAs(want);
          double worst = 0;
          for (int j = 0; j < want.length; j++) {
            worst = Math.max(worst, Math.abs(got[j] - want[j]));
          }
          assertThat(worst)
              .as("%s %s prompt %d max |logit diff|", name, tag, i)
              .isLessThanOrEqualTo(TOL);
        }
      }
    }
  }
}
