package io.payable.lora.bench;

import ai.djl.ndarray.NDManager;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.AdapterRegistry;
import io.payable.lora.batch.BatchScheduler;
import io.payable.lora.batch.GenerationRequest;
import io.payable.lora.batch.GenerationResult;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.cache.AdapterCache;
import io.payable.lora.cache.CacheStats;
import io.payable.lora.cache.ModelSlots;
import io.payable.models.CausalLm;
import io.payable.models.Engines;
import io.payable.models.LoadOptions;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.SyntheticCheckpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Multi-adapter throughput benchmark of the worker's scheduler and model: the same workload
 * (requests x prompt x output tokens from {@code maxRunning} concurrent client streams) with 1, 10,
 * 100 and 1,000 distinct adapters in the mix, reported as tokens/s, time to first token p50/p99,
 * and the ratio to one adapter; plus adapter cold-load latency and memory per adapter. The base
 * model is a random-weight Llama checkpoint in Hugging Face layout; generation ignores
 * end-of-sequence so every configuration does exactly the same work.
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
      double ttftP50Ms,
      double ttftP99Ms,
      long slotLoads,
      double tokensPerCpuSecond) {}

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  public List<MixResult> run() throws Exception {
    SyntheticCheckpoints.Spec spec =
        new SyntheticCheckpoints.Spec(
            o.vocab(),
            o.hidden(),
            o.intermediate(),
            o.layers(),
            o.heads(),
            o.kvHeads(),
            o.promptTokens() + o.maxTokens() + 8);
    Path base = o.workDir().resolve("base");
    Path adapters = o.workDir().resolve("adapters");
    ModelConfig config = prepare(spec, base, adapters);
    AdapterRegistry registry = new AdapterRegistry(adapters, config, o.maxRank());
    registry.scan();
    List<MixResult> results = new ArrayList<>();
    try (NDManager manager = Engines.newManager(Engines.device());
        CausalLm model =
            CausalLm.load(
                base,
                manager,
                new LoadOptions(manager.getDevice(), o.dtype(), o.slots(), o.maxRank()));
        AdapterCache cache =
            new AdapterCache(
                registry::get,
                d -> AdapterFiles.load(d, config),
                new ModelSlots(model),
                o.adapters() + o.slots() + 1,
                1);
        BatchScheduler scheduler =
            new BatchScheduler(
                model,
                cache,
                Set.of(), // never stop early: equal work in every configuration
                SchedulerConfig.builder()
                    .maxRunning(o.maxRunning())
                    .maxAdaptersPerStep(o.maxRunning())
                    .build())) {
      out.printf(
          "model: llama, %.1fM parameters (vocab %d, hidden %d, layers %d, heads %d/%d, mlp %d);"
              + " adapters rank %d-%d on %s; %s%n",
          config.parameterCount() / 1e6,
          o.vocab(),
          o.hidden(),
          o.layers(),
          o.heads(),
          o.kvHeads(),
          o.intermediate(),
          o.minRank(),
          o.maxRank(),
          o.targets(),
          o.dtype());
      out.printf(
          "workload: %d requests x (%d prompt + %d output tokens), %d streams at once, %d slots,"
              + " device %s%n",
          o.requests(),
          o.promptTokens(),
          o.maxTokens(),
          o.maxRunning(),
          o.slots(),
          manager.getDevice());
      out.flush();
      // Warm-up: JIT, allocator, PyTorch kernels.
      for (int i = 0; i < 2; i++) {
        double[] w = runMix(scheduler, Math.min(10, o.adapters()), o.maxRunning());
        out.printf("warm-up %d: %.1f tokens/s%n", i, w[0]);
        out.flush();
      }
      coldLoad(cache, scheduler);
      List<Integer> mixes = o.mixes().stream().filter(k -> k <= o.adapters()).toList();
      for (int i = 0; i < mixes.stream().mapToInt(Integer::intValue).max().orElse(0); i++) {
        cache.load("a" + i, Duration.ofMinutes(5));
      }
      // Rounds interleave the mixes so that load from other processes spreads over all of them;
      // each figure is the median over rounds. CPU time of the process is measured as well.
      double[][] wall = new double[mixes.size()][o.repeats()];
      double[][] cpu = new double[mixes.size()][o.repeats()];
      double[][] p50 = new double[mixes.size()][o.repeats()];
      double[][] p99 = new double[mixes.size()][o.repeats()];
      long[] slotLoads = new long[mixes.size()];
      for (int round = 0; round < o.repeats(); round++) {
        for (int j = 0; j < mixes.size(); j++) {
          int k = mixes.get(j);
          long slotLoads0 = cache.stats().deviceMisses();
          double[] r = runMix(scheduler, k, o.requests());
          slotLoads[j] += cache.stats().deviceMisses() - slotLoads0;
          wall[j][round] = r[0];
          p50[j][round] = r[1];
          p99[j][round] = r[2];
          cpu[j][round] = r[3];
          out.printf(
              "round %d, %4d adapters: %8.1f tokens/s, %8.1f tokens/CPU-s, TTFT p50 %.0f ms%n",
              round, k, r[0], r[3], r[1]);
          out.flush();
        }
      }
      for (int j = 0; j < mixes.size(); j++) {
        results.add(
            new MixResult(
                mixes.get(j),
                median(wall[j]),
                median(p50[j]),
                median(p99[j]),
                slotLoads[j] / o.repeats(),
                median(cpu[j])));
      }
      double one = results.isEmpty() ? 1 : results.get(0).tokensPerSecond();
      double oneCpu = results.isEmpty() ? 1 : results.get(0).tokensPerCpuSecond();
      out.println();
      out.println(
          "| distinct adapters | tokens/s | ratio to 1 | tokens/CPU-s | ratio to 1 |"
              + " TTFT p50 (ms) | TTFT p99 (ms) | slot loads/run |");
      out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (MixResult m : results) {
        out.printf(
            "| %d | %.1f | %.2f | %.1f | %.2f | %.0f | %.0f | %d |%n",
            m.adapters(),
            m.tokensPerSecond(),
            m.tokensPerSecond() / one,
            m.tokensPerCpuSecond(),
            m.tokensPerCpuSecond() / oneCpu,
            m.ttftP50Ms(),
            m.ttftP99Ms(),
            m.slotLoads());
      }
      AdapterDescriptor d = registry.get("a0");
      long slotBytes = 0;
      for (Projection p : Projection.values()) {
        long[] oi = config.projectionShape(p);
        slotBytes +=
            (long) o.dtype().getNumOfBytes() * o.maxRank() * (oi[0] + oi[1]) * config.numLayers();
      }
      out.printf(
          "%nmemory per adapter: %.1f KiB on disk and in the CPU tier (F32, rank %d), %.1f KiB per"
              + " device slot (width %d)%n",
          Files.size(d.dir().resolve("adapter_model.safetensors")) / 1024.0,
          d.rank(),
          slotBytes / 1024.0,
          o.maxRank());
      CacheStats s = cache.stats();
      out.printf(
          "cache: device hits %d, misses %d, disk loads %d, evictions device %d / cpu %d%n",
          s.deviceHits(), s.deviceMisses(), s.loads(), s.deviceEvictions(), s.cpuEvictions());
      out.flush();
    }
    return results;
  }

  private ModelConfig prepare(SyntheticCheckpoints.Spec spec, Path base, Path adapters)
      throws IOException {
    Path marker =
        o.workDir()
            .resolve(
                "ready-"
                    + spec.hashCode()
                    + "-"
                    + o.adapters()
                    + "-"
                    + o.minRank()
                    + "-"
                    + o.maxRank()
                    + "-"
                    + o.targets().stream()
                        .map(Projection::moduleName)
                        .reduce((a, b) -> a + "," + b)
                        .orElse(""));
    if (Files.exists(marker)) {
      return ModelConfig.read(base);
    }
    long t0 = System.nanoTime();
    ModelConfig config = SyntheticCheckpoints.writeBase(base, spec, 1);
    for (int i = 0; i < o.adapters(); i++) {
      int rank = o.minRank() + i % (o.maxRank() - o.minRank() + 1);
      SyntheticCheckpoints.writeAdapter(
          adapters.resolve("a" + i), config, rank, 2.0 * rank, o.targets(), 1000 + i);
    }
    Files.createFile(marker);
    out.printf(
        "wrote base model and %d adapters in %.1f s%n",
        o.adapters(), (System.nanoTime() - t0) / 1e9);
    return config;
  }

  private GenerationRequest request(String adapter, int i) {
    SplittableRandom rnd = new SplittableRandom(i);
    int[] prompt = new int[o.promptTokens()];
    for (int t = 0; t < prompt.length; t++) {
      prompt[t] = rnd.nextInt(SyntheticCheckpoints.TOKENIZER_VOCAB - 1);
    }
    return GenerationRequest.of(adapter, prompt, o.maxTokens(), 0, i);
  }

  /**
   * {@code maxRunning} client streams, each sending its share of the n requests one after the other
   * (a closed loop, as concurrent chat users do), so time to first token measures the worker, not a
   * queue of requests sent at once. Returns {tokens/s, TTFT p50 ms, TTFT p99 ms, tokens per
   * CPU-second of the process}.
   */
  private double[] runMix(BatchScheduler scheduler, int k, int n) throws Exception {
    int streams = Math.min(o.maxRunning(), n);
    double[] ttft = new double[n];
    long[] tokens = new long[streams];
    long c0 = processCpuNanos();
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> clients = new ArrayList<>(streams);
    for (int s = 0; s < streams; s++) {
      int stream = s;
      clients.add(next(scheduler, k, n, streams, stream, stream, ttft, tokens));
    }
    CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0])).get();
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpuSecs = (processCpuNanos() - c0) / 1e9;
    long total = Arrays.stream(tokens).sum();
    Arrays.sort(ttft);
    return new double[] {
      total / secs,
      ttft[n / 2],
      ttft[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)],
      total / cpuSecs
    };
  }

  /** Request i of a stream, then (when it is done) the stream's next one. */
  private CompletableFuture<Void> next(
      BatchScheduler scheduler,
      int k,
      int n,
      int streams,
      int stream,
      int i,
      double[] ttft,
      long[] tokens) {
    if (i >= n) {
      return CompletableFuture.completedFuture(null);
    }
    // Spread over the k adapters, all of them when there are at least k requests.
    String adapter = "a" + (int) ((i * 7919L) % k);
    return scheduler
        .submit(request(adapter, i))
        .thenCompose(
            r -> {
              ttft[i] = Duration.between(r.requestTime(), r.firstTokenTime()).toNanos() / 1e6;
              tokens[stream] += r.tokens().length;
              return next(scheduler, k, n, streams, stream, i + streams, ttft, tokens);
            });
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private void coldLoad(AdapterCache cache, BatchScheduler scheduler) throws Exception {
    int c = Math.min(o.coldSamples(), o.adapters() / 2);
    if (c == 0) {
      return;
    }
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
