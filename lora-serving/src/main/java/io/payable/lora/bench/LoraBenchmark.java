package io.payable.lora.bench;

import ai.djl.ndarray.NDManager;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.AdapterRegistry;
import io.payable.lora.adapter.LoraAdapter;
import io.payable.lora.batch.BatchScheduler;
import io.payable.lora.batch.GenerationRequest;
import io.payable.lora.batch.GenerationResult;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.cache.AdapterCache;
import io.payable.lora.cache.CacheStats;
import io.payable.lora.model.Engines;
import io.payable.lora.model.LoraMerge;
import io.payable.lora.model.LoraTransformer;
import io.payable.lora.model.ModelConfig;
import io.payable.lora.model.Safetensors;
import io.payable.lora.model.Segment;
import io.payable.lora.model.Sequence;
import io.payable.lora.model.SyntheticModels;
import io.payable.lora.model.Tensor;
import io.payable.lora.model.TransformerSlots;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Multi-adapter throughput benchmark: the same workload (requests x prompt x output tokens) with 1,
 * 10, 100 and 1,000 distinct adapters in the mix, reported as tokens/s and as a ratio to one
 * adapter; side by side with the naive baseline that merges the adapter into the base weights for
 * every request; plus adapter cold-load latency and memory per adapter. Generation ignores the
 * end-of-sequence token so every configuration does exactly the same work.
 */
public final class LoraBenchmark {

  private final BenchOptions o;
  private final PrintWriter out;

  public LoraBenchmark(BenchOptions options, PrintWriter out) {
    this.o = options;
    this.out = out;
  }

  /** One row of the throughput table. */
  public record MixResult(
      int adapters,
      double tokensPerSecond,
      double naiveTokensPerSecond,
      double ttftMedianMs,
      long slotLoads,
      double tokensPerCpuSecond) {}

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  public List<MixResult> run() throws Exception {
    ModelConfig config =
        new ModelConfig(
            "bench-base",
            257,
            o.hidden(),
            o.layers(),
            o.heads(),
            o.intermediate(),
            o.promptTokens() + o.maxTokens() + 8,
            1e-5);
    Path base = o.workDir().resolve("base");
    Path adapters = o.workDir().resolve("adapters");
    prepare(config, base, adapters);
    Map<String, Tensor> baseWeights = Safetensors.read(base.resolve(ModelConfig.WEIGHTS));
    AdapterRegistry registry = new AdapterRegistry(adapters, config, o.rank());
    registry.scan();
    List<MixResult> results = new ArrayList<>();
    try (NDManager manager = Engines.newManager();
        LoraTransformer model =
            new LoraTransformer(config, baseWeights, manager, o.slots(), o.rank());
        AdapterCache cache =
            new AdapterCache(
                registry::get,
                d -> AdapterFiles.load(d, config),
                new TransformerSlots(model),
                o.adapters() + o.slots() + 1,
                1);
        BatchScheduler scheduler =
            new BatchScheduler(
                model,
                cache,
                -1, // never stop early: equal work in every configuration
                SchedulerConfig.builder()
                    .maxRunning(o.maxRunning())
                    .maxAdaptersPerStep(o.maxRunning())
                    .build())) {
      out.printf(
          "model: hidden %d, layers %d, heads %d, mlp %d; adapters rank %d on %s%n",
          o.hidden(),
          o.layers(),
          o.heads(),
          o.intermediate(),
          o.rank(),
          ModelConfig.TARGET_MODULES);
      out.printf(
          "workload: %d requests x (%d prompt + %d output tokens), %d running, %d slots, device %s%n",
          o.requests(),
          o.promptTokens(),
          o.maxTokens(),
          o.maxRunning(),
          o.slots(),
          manager.getDevice());
      out.flush();
      // Warm-up: JIT, allocator, PyTorch kernels.
      for (int i = 0; i < 3; i++) {
        double[] w = runMix(scheduler, cache, Math.min(10, o.adapters()), o.requests());
        out.printf("warm-up %d: %.1f tokens/s%n", i, w[0]);
        out.flush();
      }
      coldLoad(registry, config, model, cache, scheduler);
      List<Integer> mixes = o.mixes().stream().filter(k -> k <= o.adapters()).toList();
      for (int i = 0; i < mixes.stream().mapToInt(Integer::intValue).max().orElse(0); i++) {
        cache.load("a" + i, Duration.ofMinutes(5));
      }
      // Rounds interleave the mixes so that load from other processes spreads over all of them;
      // each figure is the median over rounds. CPU time of the process is measured as well.
      double[][] wall = new double[mixes.size()][o.repeats()];
      double[][] cpu = new double[mixes.size()][o.repeats()];
      double[][] naive = new double[mixes.size()][o.repeats()];
      double[][] ttft = new double[mixes.size()][o.repeats()];
      long[] slotLoads = new long[mixes.size()];
      for (int round = 0; round < o.repeats(); round++) {
        for (int j = 0; j < mixes.size(); j++) {
          int k = mixes.get(j);
          long slotLoads0 = cache.stats().deviceMisses();
          double[] r = runMix(scheduler, cache, k, o.requests());
          slotLoads[j] += cache.stats().deviceMisses() - slotLoads0;
          wall[j][round] = r[0];
          ttft[j][round] = r[1];
          cpu[j][round] = r[2];
          naive[j][round] = naive(config, baseWeights, registry, manager, k);
          out.printf(
              "round %d, %4d adapters: %8.1f tokens/s, %8.1f tokens/CPU-s, naive %7.1f tokens/s%n",
              round, k, r[0], r[2], naive[j][round]);
          out.flush();
        }
      }
      for (int j = 0; j < mixes.size(); j++) {
        results.add(
            new MixResult(
                mixes.get(j),
                median(wall[j]),
                median(naive[j]),
                median(ttft[j]),
                slotLoads[j] / o.repeats(),
                median(cpu[j])));
      }
      double one = results.isEmpty() ? 1 : results.get(0).tokensPerSecond();
      out.println();
      double oneCpu = results.isEmpty() ? 1 : results.get(0).tokensPerCpuSecond();
      out.println(
          "| distinct adapters | tokens/s | ratio to 1 | tokens/CPU-s | ratio to 1 |"
              + " naive merge tokens/s | speed-up over naive | TTFT median (ms) | slot loads/run |");
      out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (MixResult m : results) {
        out.printf(
            "| %d | %.1f | %.2f | %.1f | %.2f | %.1f | %.1fx | %.1f | %d |%n",
            m.adapters(),
            m.tokensPerSecond(),
            m.tokensPerSecond() / one,
            m.tokensPerCpuSecond(),
            m.tokensPerCpuSecond() / oneCpu,
            m.naiveTokensPerSecond(),
            m.tokensPerSecond() / m.naiveTokensPerSecond(),
            m.ttftMedianMs(),
            m.slotLoads());
      }
      AdapterDescriptor d = registry.get("a0");
      long slotBytes = 0;
      for (String m : ModelConfig.TARGET_MODULES) {
        int[] oi = config.moduleShape(m);
        slotBytes += 4L * o.rank() * (oi[0] + oi[1]) * config.numLayers();
      }
      out.printf(
          "%nmemory per adapter: %.1f KiB on disk and in the CPU tier (F32), %.1f KiB per device"
              + " slot (rank %d)%n",
          Files.size(d.dir().resolve("adapter_model.safetensors")) / 1024.0,
          slotBytes / 1024.0,
          o.rank());
      CacheStats s = cache.stats();
      out.printf(
          "cache: device hits %d, misses %d, disk loads %d, evictions device %d / cpu %d%n",
          s.deviceHits(), s.deviceMisses(), s.loads(), s.deviceEvictions(), s.cpuEvictions());
      out.flush();
    }
    return results;
  }

  private void prepare(ModelConfig config, Path base, Path adapters) throws IOException {
    Path marker =
        o.workDir()
            .resolve(
                "ready-" + o.adapters() + "-" + o.rank() + "-" + o.hidden() + "-" + o.layers());
    if (Files.exists(marker)) {
      return;
    }
    long t0 = System.nanoTime();
    SyntheticModels.writeBase(base, config, 1);
    for (int i = 0; i < o.adapters(); i++) {
      SyntheticModels.writeAdapter(
          adapters.resolve("a" + i),
          config,
          o.rank(),
          2.0 * o.rank(),
          ModelConfig.TARGET_MODULES,
          1000 + i);
    }
    Files.createFile(marker);
    out.printf(
        "wrote base model and %d adapters in %.1f s%n",
        o.adapters(), (System.nanoTime() - t0) / 1e9);
  }

  private GenerationRequest request(String adapter, int i) {
    SplittableRandom rnd = new SplittableRandom(i);
    int[] prompt = new int[o.promptTokens()];
    for (int t = 0; t < prompt.length; t++) {
      prompt[t] = rnd.nextInt(256);
    }
    return new GenerationRequest(adapter, prompt, o.maxTokens(), 0, i);
  }

  /** Returns {tokens/s, median TTFT ms, tokens per CPU-second of the process}. */
  private double[] runMix(BatchScheduler scheduler, AdapterCache cache, int k, int n)
      throws Exception {
    List<CompletableFuture<GenerationResult>> fs = new ArrayList<>(n);
    long c0 = processCpuNanos();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      fs.add(scheduler.submit(request("a" + (i % k), i)));
    }
    long tokens = 0;
    double[] ttft = new double[n];
    for (int i = 0; i < n; i++) {
      GenerationResult r = fs.get(i).get();
      tokens += r.tokens().length;
      ttft[i] = Duration.between(r.requestTime(), r.firstTokenTime()).toNanos() / 1e6;
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpuSecs = (processCpuNanos() - c0) / 1e9;
    Arrays.sort(ttft);
    return new double[] {tokens / secs, ttft[n / 2], tokens / cpuSecs};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The naive baseline: per request, merge the adapter into a copy of the base weights, build the
   * model, and generate alone (a merged model serves one adapter, so requests cannot share a batch
   * across adapters). Adapter weights come from memory, as in the batched runs.
   */
  private double naive(
      ModelConfig config,
      Map<String, Tensor> baseWeights,
      AdapterRegistry registry,
      NDManager manager,
      int k)
      throws Exception {
    int n = o.naiveRequests();
    // Adapters come from memory, as in the batched runs: only merging and generation are timed.
    Map<String, LoraAdapter> loaded = new HashMap<>();
    List<GenerationRequest> reqs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "a" + (i % k);
      if (!loaded.containsKey(id)) {
        loaded.put(id, AdapterFiles.load(registry.get(id), config));
      }
      reqs.add(request(id, i));
    }
    naiveOne(config, baseWeights, manager, loaded.get(reqs.get(0).adapterId()), reqs.get(0));
    long tokens = 0;
    long t0 = System.nanoTime();
    for (GenerationRequest req : reqs) {
      naiveOne(config, baseWeights, manager, loaded.get(req.adapterId()), req);
      tokens += req.maxTokens();
    }
    return tokens / ((System.nanoTime() - t0) / 1e9);
  }

  private static void naiveOne(
      ModelConfig config,
      Map<String, Tensor> baseWeights,
      NDManager manager,
      LoraAdapter adapter,
      GenerationRequest req) {
    try (LoraTransformer merged =
            new LoraTransformer(config, LoraMerge.merge(baseWeights, adapter), manager, 1, 1);
        Sequence seq = merged.newSequence()) {
      int[] next = req.prompt();
      for (int t = 0; t < req.maxTokens(); t++) {
        float[] logits = merged.forward(List.of(new Segment(seq, next, Segment.BASE)))[0];
        next = new int[] {BatchScheduler.argmax(logits)};
      }
    }
  }

  private void coldLoad(
      AdapterRegistry registry,
      ModelConfig config,
      LoraTransformer model,
      AdapterCache cache,
      BatchScheduler scheduler)
      throws Exception {
    int c = Math.min(o.coldSamples(), o.adapters());
    double[] disk = new double[c];
    double[] slot = new double[c];
    for (int i = 0; i < c; i++) {
      // Adapters from the end of the range: not used by the warm-up, so on disk only.
      String id = "a" + (o.adapters() - 1 - i);
      long t0 = System.nanoTime();
      cache.load(id, Duration.ofMinutes(1));
      long t1 = System.nanoTime();
      cache.acquire(id, Duration.ofMinutes(1)).close();
      long t2 = System.nanoTime();
      disk[i] = (t1 - t0) / 1e6;
      slot[i] = (t2 - t1) / 1e6;
    }
    Arrays.sort(disk);
    Arrays.sort(slot);
    // Time to first token of a lone request: adapter on disk vs already in a slot.
    String coldId = "a" + (o.adapters() - 1 - c);
    double cold = ttft(scheduler, coldId, 1);
    double warm = ttft(scheduler, coldId, 2);
    out.printf(
        "cold load (n=%d): disk -> CPU median %.2f ms (p90 %.2f), CPU -> slot median %.2f ms"
            + " (p90 %.2f); lone-request TTFT cold %.1f ms vs warm %.1f ms%n",
        c, disk[c / 2], disk[c * 9 / 10], slot[c / 2], slot[c * 9 / 10], cold, warm);
    out.flush();
  }

  private double ttft(BatchScheduler scheduler, String id, int seed) throws Exception {
    GenerationResult r = scheduler.submit(request(id, seed)).get();
    return Duration.between(r.requestTime(), r.firstTokenTime()).toNanos() / 1e6;
  }
}
