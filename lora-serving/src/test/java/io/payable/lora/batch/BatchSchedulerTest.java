package io.payable.lora.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.AdapterRegistry;
import io.payable.lora.cache.AdapterCache;
import io.payable.lora.model.Engines;
import io.payable.lora.model.LoraTransformer;
import io.payable.lora.model.ModelConfig;
import io.payable.lora.model.Safetensors;
import io.payable.lora.model.SyntheticModels;
import io.payable.lora.model.TransformerSlots;
import io.payable.lora.tokenizer.ByteTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSchedulerTest {
  static final ModelConfig CONFIG = new ModelConfig("tiny", 257, 32, 2, 4, 64, 64, 1e-5);
  @TempDir static Path dir;
  static NDManager manager;
  static AdapterRegistry registry;

  @BeforeAll
  static void setUp() throws Exception {
    manager = Engines.newManager();
    SyntheticModels.writeBase(dir.resolve("base"), CONFIG, 5);
    for (int i = 0; i < 6; i++) {
      SyntheticModels.writeAdapter(
          dir.resolve("adapters/x" + i), CONFIG, 2 + i % 3, 8, ModelConfig.TARGET_MODULES, i);
    }
    registry = new AdapterRegistry(dir.resolve("adapters"), CONFIG, 4);
    registry.scan();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  record Harness(LoraTransformer model, AdapterCache cache, BatchScheduler scheduler)
      implements AutoCloseable {
    @Override
    public void close() {
      scheduler.close();
      cache.close();
      model.close();
    }
  }

  static Harness harness(int slots, int maxAdaptersPerStep) throws Exception {
    LoraTransformer model =
        new LoraTransformer(
            CONFIG,
            Safetensors.read(dir.resolve("base").resolve(ModelConfig.WEIGHTS)),
            manager,
            slots,
            4);
    AdapterCache cache =
        new AdapterCache(
            registry::get, d -> AdapterFiles.load(d, CONFIG), new TransformerSlots(model), 8, 1);
    BatchScheduler s =
        new BatchScheduler(
            model,
            cache,
            ByteTokenizer.EOS,
            SchedulerConfig.builder()
                .maxRunning(16)
                .maxAdaptersPerStep(maxAdaptersPerStep)
                .maxPrefillTokens(24)
                .build());
    return new Harness(model, cache, s);
  }

  static List<GenerationRequest> requests() {
    List<GenerationRequest> out = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      String adapter = i % 7 == 6 ? null : "x" + (i % 6);
      int[] prompt = new ByteTokenizer().encode("prompt number " + i);
      out.add(new GenerationRequest(adapter, prompt, 5 + i % 4, i % 2 == 0 ? 0 : 0.9, 1000 + i));
    }
    return out;
  }

  @Test
  void mixedContinuousBatchesMatchRequestsRunAlone() throws Exception {
    List<GenerationRequest> reqs = requests();
    List<int[]> batched = new ArrayList<>();
    try (Harness h = harness(3, 2)) {
      List<CompletableFuture<GenerationResult>> fs = new ArrayList<>();
      for (GenerationRequest r : reqs) {
        fs.add(h.scheduler().submit(r));
      }
      for (CompletableFuture<GenerationResult> f : fs) {
        batched.add(f.get(60, TimeUnit.SECONDS).tokens());
      }
      SchedulerStats s = h.scheduler().stats();
      // Three slots and a cap of two adapters per step: batches were mixed and capped.
      assertThat(s.peakStepAdapters()).isEqualTo(2);
      assertThat(s.completed()).isEqualTo(reqs.size());
      assertThat(s.stepRows()).isGreaterThan(s.steps());
    }
    try (Harness h = harness(1, 1)) {
      for (int i = 0; i < reqs.size(); i++) {
        int[] alone = h.scheduler().submit(reqs.get(i)).get(60, TimeUnit.SECONDS).tokens();
        assertThat(alone).as("request %d", i).isEqualTo(batched.get(i));
      }
    }
  }

  @Test
  void refusesRequestsBeyondTheContext() throws Exception {
    try (Harness h = harness(1, 1)) {
      assertThatThrownBy(
              () -> h.scheduler().submit(new GenerationRequest("x0", new int[60], 10, 0, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("context");
      assertThat(
              h.scheduler()
                  .submit(new GenerationRequest("x0", new int[0], 3, 0, 1))
                  .get(30, TimeUnit.SECONDS)
                  .tokens())
          .hasSizeLessThanOrEqualTo(3);
    }
  }
}
