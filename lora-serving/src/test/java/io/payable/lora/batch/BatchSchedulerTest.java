package io.payable.lora.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.AdapterRegistry;
import io.payable.lora.cache.AdapterCache;
import io.payable.lora.cache.AdapterStatus;
import io.payable.lora.cache.ModelSlots;
import io.payable.models.CausalLm;
import io.payable.models.Engines;
import io.payable.models.LoadOptions;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.SyntheticCheckpoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSchedulerTest {
  static final SyntheticCheckpoints.Spec SPEC =
      new SyntheticCheckpoints.Spec(300, 32, 64, 2, 4, 2, 64);
  @TempDir static Path dir;
  static NDManager manager;
  static ModelConfig config;
  static AdapterRegistry registry;

  @BeforeAll
  static void setUp() throws Exception {
    manager = Engines.newManager(ai.djl.Device.cpu());
    config = SyntheticCheckpoints.writeBase(dir.resolve("base"), SPEC, 5);
    for (int i = 0; i < 6; i++) {
      SyntheticCheckpoints.writeAdapter(
          dir.resolve("adapters/x" + i), config, 2 + i % 3, 8, EnumSet.allOf(Projection.class), i);
    }
    registry = new AdapterRegistry(dir.resolve("adapters"), config, 4);
    registry.scan();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  record Harness(CausalLm model, AdapterCache cache, BatchScheduler scheduler)
      implements AutoCloseable {
    @Override
    public void close() {
      scheduler.close();
      cache.close();
      model.close();
    }
  }

  static Harness harness(int slots, int maxAdaptersPerStep) throws Exception {
    CausalLm model = CausalLm.load(dir.resolve("base"), manager, LoadOptions.cpu(slots, 4));
    AdapterCache cache =
        new AdapterCache(
            registry::get, d -> AdapterFiles.load(d, config), new ModelSlots(model), 8, 1);
    BatchScheduler s =
        new BatchScheduler(
            model,
            cache,
            Set.of(SyntheticCheckpoints.EOS_ID),
            SchedulerConfig.builder()
                .maxRunning(16)
                .maxAdaptersPerStep(maxAdaptersPerStep)
                .maxPrefillTokens(24)
                .build());
    return new Harness(model, cache, s);
  }

  static int[] bytes(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xff;
    }
    return out;
  }

  static List<GenerationRequest> requests() {
    List<GenerationRequest> out = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      String adapter = i % 7 == 6 ? null : "x" + (i % 6);
      out.add(
          GenerationRequest.of(
              adapter, bytes("prompt number " + i), 5 + i % 4, i % 2 == 0 ? 0 : 0.9, 1000 + i));
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
              () -> h.scheduler().submit(GenerationRequest.of("x0", new int[60], 10, 0, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("context");
      assertThatThrownBy(() -> GenerationRequest.of("x0", new int[0], 3, 0, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the prompt is empty");
      assertThatThrownBy(
              () -> h.scheduler().submit(GenerationRequest.of("x0", new int[] {300}, 3, 0, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("token id 300 is outside the vocabulary of 300");
    }
  }

  @Test
  void cancelledStreamFinishesEarlyAndReleasesItsLease() throws Exception {
    try (Harness h = harness(2, 2)) {
      TokenStream stream = new TokenStream();
      CompletableFuture<GenerationResult> f =
          h.scheduler()
              .submit(
                  new GenerationRequest(
                      "x1", bytes("a long story"), 40, 0, 1.0, 7, 3, stream, null));
      TokenStream.Event first = stream.poll(30, TimeUnit.SECONDS);
      assertThat(first).isInstanceOf(TokenStream.TokenEvent.class);
      GeneratedToken t = ((TokenStream.TokenEvent) first).token();
      // Greedy: the chosen token is the most likely one, with the largest log-probability.
      assertThat(t.topIds()).hasSize(3);
      assertThat(t.topIds()[0]).isEqualTo(t.id());
      assertThat(t.logprob()).isEqualTo(t.topLogprobs()[0]).isNegative();
      assertThat(t.topLogprobs()[1]).isLessThanOrEqualTo(t.topLogprobs()[0]);
      stream.cancel("cancelled");
      GenerationResult r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.finishReason()).isEqualTo("cancelled");
      assertThat(r.tokens().length).isBetween(1, 39);
      assertThat(h.cache().status())
          .filteredOn(s -> s.id().equals("x1"))
          .extracting(AdapterStatus::inUse)
          .containsExactly(0);
    }
  }

  @Test
  void stopConditionEndsGeneration() throws Exception {
    try (Harness h = harness(1, 1)) {
      GenerationResult r =
          h.scheduler()
              .submit(
                  new GenerationRequest(
                      "x2", bytes("stop early"), 20, 0, 1.0, 3, -1, null, (toks, n) -> n == 4))
              .get(30, TimeUnit.SECONDS);
      assertThat(r.tokens()).hasSize(4);
      assertThat(r.finishReason()).isEqualTo("stop");
    }
  }

  @Test
  void topPOfAlmostZeroIsGreedy() {
    float[] logits = {0.1f, 2.0f, 1.9f, -1f};
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
    for (int i = 0; i < 50; i++) {
      assertThat(BatchScheduler.sample(logits, 1.0, 1e-6, rnd)).isEqualTo(1);
    }
    // With the whole nucleus, other tokens are drawn too.
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(BatchScheduler.sample(logits, 1.0, 1.0, rnd));
    }
    assertThat(seen).contains(1, 2);
  }
}
