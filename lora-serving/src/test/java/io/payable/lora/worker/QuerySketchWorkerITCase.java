package io.payable.lora.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.metering.MemoryEventSink;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.SyntheticCheckpoints;
import io.payable.models.influence.Bfloat16;
import io.payable.models.train.InfluenceSketches;
import io.payable.models.train.QuerySketcher;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * A worker signs the query sketch of the output into the events of a gradient adapter, and only of
 * those (docs/attribution.md, V2.4).
 */
class QuerySketchWorkerITCase {
  static final SyntheticCheckpoints.Spec SPEC =
      new SyntheticCheckpoints.Spec(257, 32, 64, 2, 4, 2, 128);

  @TempDir Path dir;

  @Test
  void gradientAdaptersEventsCarryTheSketchOfTheirOutput() throws Exception {
    Path base = dir.resolve("base");
    Path adapters = dir.resolve("adapters");
    ModelConfig config = SyntheticCheckpoints.writeBase(base, SPEC, 1);
    var targets = EnumSet.of(Projection.Q_PROJ, Projection.V_PROJ);
    SyntheticCheckpoints.writeAdapter(adapters.resolve("grad"), config, 2, 4, targets, 3);
    SyntheticCheckpoints.writeAdapter(adapters.resolve("span"), config, 2, 4, targets, 4);
    Files.writeString(
        adapters.resolve("grad").resolve(QuerySketches.MANIFEST),
        "{\"format_version\": 1, \"attribution_method\": \"gradient\"}\n");
    Files.writeString(
        adapters.resolve("span").resolve(QuerySketches.MANIFEST),
        "{\"format_version\": 1, \"attribution_method\": \"spans\"}\n");
    WorkerConfig cfg =
        WorkerConfig.builder()
            .baseDir(base)
            .adaptersDir(adapters)
            .deviceSlots(2)
            .cpuAdapters(3)
            .maxRank(8)
            .scheduler(SchedulerConfig.builder().maxRunning(4).maxAdaptersPerStep(2).build())
            .defaultPriceWei(BigInteger.ONE)
            .servedModelName("tiny-base")
            .build();
    MemoryEventSink sink = new MemoryEventSink();
    try (LoraWorker worker = new LoraWorker(cfg, ECKeyPair.create(BigInteger.TEN), sink)) {
      Completion grad =
          worker.complete("grad", "hello world", 6, 0, 1, "c").get(60, TimeUnit.SECONDS);
      Completion span =
          worker.complete("span", "hello world", 6, 0, 1, "c").get(60, TimeUnit.SECONDS);
      assertThat(span.event().querySketch()).isNull();
      InferenceEvent event = grad.event();
      assertThat(event.querySketch()).isNotNull();
      int[] prompt = worker.encode("hello world");
      assertThat(event.querySketch().promptTokens()).containsExactly(prompt);

      // Recomputed from the event alone: the text's tokens, the signed prompt, the adapter.
      int[] output = worker.tokenizer().encode(event.outputText(), false);
      try (QuerySketcher s =
          QuerySketcher.open(
              base, adapters.resolve("grad"), InfluenceSketches.DEFAULT_K, Device.cpu())) {
        float[] expected = s.sketch(prompt, output);
        float[] signed = event.querySketch().values();
        assertThat(signed).hasSize(expected.length);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
          assertThat(signed[i]).isEqualTo(Bfloat16.decode(Bfloat16.encode(expected[i])));
          diff += (signed[i] - expected[i]) * (double) (signed[i] - expected[i]);
          norm += expected[i] * (double) expected[i];
        }
        assertThat(norm).isPositive();
        // bfloat16 keeps 8 significant bits: relative error at most 2^-9 per entry.
        assertThat(Math.sqrt(diff / norm)).isLessThan(1.0 / 512);
        // The sketch depends on the output: another output has another sketch.
        float[] other = s.sketch(prompt, new int[] {output.length > 0 ? output[0] ^ 1 : 1, 65});
        assertThat(other).isNotEqualTo(expected);
      }
      assertThat(sink.events()).hasSize(2);
      assertThat(sink.events()).contains(event);
    }
  }
}
