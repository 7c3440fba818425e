package io.payable.lora.batch;

import io.payable.lora.cache.AdapterCache;
import io.payable.lora.cache.AdapterCacheException;
import io.payable.lora.cache.AdapterLease;
import io.payable.models.CausalLm;
import io.payable.models.Segment;
import io.payable.models.Sequence;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching over many adapters. One thread loops: admit waiting requests whose adapter
 * can be leased into a device slot (round robin over adapters, so a busy adapter cannot starve the
 * others), prefetch adapters of requests further back in the queue, pick the running requests for
 * this step (at most {@code maxAdaptersPerStep} distinct adapters, rotating which ones when there
 * are more), run one forward step mixing prefill and decode rows, sample, and retire finished
 * requests, releasing their leases.
 */
public final class BatchScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);
  private static final String BASE = "";

  private final CausalLm model;
  private final AdapterCache cache;
  private final Set<Integer> eosIds;
  private final SchedulerConfig config;
  private final LinkedBlockingQueue<Active> incoming = new LinkedBlockingQueue<>();
  private final Map<String, ArrayDeque<Active>> waiting = new LinkedHashMap<>();
  private final List<Active> running = new ArrayList<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final Thread thread;
  private volatile boolean stopped;
  private int cycle;
  private volatile long steps;
  private volatile long stepRows;
  private volatile long generatedTokens;
  private volatile long completed;
  private volatile long failed;
  private volatile int runningCount;
  private volatile int lastStepAdapters;
  private volatile int peakStepAdapters;

  private static final class Active {
    final GenerationRequest request;
    final CompletableFuture<GenerationResult> future = new CompletableFuture<>();
    final Instant requestTime = Instant.now();
    final SplittableRandom random;
    final int[] generated;
    final List<GeneratedToken> logprobs = new ArrayList<>();
    int count;
    Instant firstTokenTime;
    AdapterLease lease;
    Sequence sequence;
    int[] next;

    Active(GenerationRequest request) {
      this.request = request;
      this.random = new SplittableRandom(request.seed());
      this.generated = new int[request.maxTokens()];
    }

    String key() {
      return request.adapterId() == null ? BASE : request.adapterId();
    }
  }

  /**
   * @param eosIds tokens that end a generation; empty to always generate max_tokens (benchmarks)
   */
  public BatchScheduler(
      CausalLm model, AdapterCache cache, Set<Integer> eosIds, SchedulerConfig config) {
    this.model = model;
    this.cache = cache;
    this.eosIds = Set.copyOf(eosIds);
    this.config = config;
    this.thread = new Thread(this::loop, "lora-scheduler");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues a request.
   *
   * @throws IllegalArgumentException when prompt plus budget exceed the model's context
   * @throws RejectedExecutionException when the queue is full or the scheduler stopped
   */
  public CompletableFuture<GenerationResult> submit(GenerationRequest request) {
    int prompt = request.prompt().length;
    for (int t : request.prompt()) {
      if (t < 0 || t >= model.config().vocabSize()) {
        throw new IllegalArgumentException(
            "token id " + t + " is outside the vocabulary of " + model.config().vocabSize());
      }
    }
    if (prompt + request.maxTokens() > model.config().maxPositions()) {
      throw new IllegalArgumentException(
          "prompt ("
              + prompt
              + " tokens) plus max_tokens ("
              + request.maxTokens()
              + ") exceed the context of "
              + model.config().maxPositions());
    }
    if (stopped) {
      throw new RejectedExecutionException("scheduler stopped");
    }
    if (waitingCount.incrementAndGet() > config.maxWaiting()) {
      waitingCount.decrementAndGet();
      throw new RejectedExecutionException("queue full (" + config.maxWaiting() + " waiting)");
    }
    Active a = new Active(request);
    a.next = request.prompt().clone();
    incoming.add(a);
    return a.future;
  }

  public SchedulerStats stats() {
    return new SchedulerStats(
        steps,
        stepRows,
        generatedTokens,
        completed,
        failed,
        waitingCount.get(),
        runningCount,
        lastStepAdapters,
        peakStepAdapters);
  }

  private void loop() {
    while (!stopped) {
      try {
        drainIncoming(running.isEmpty() && waiting.isEmpty() ? 100 : 0);
        admit();
        prefetch();
        List<Active> batch = selectStep();
        if (batch.isEmpty()) {
          // Waiting only for disk loads or busy slots: the next poll is short.
          drainIncoming(waiting.isEmpty() ? 100 : 1);
          continue;
        }
        step(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        LOG.error("scheduler step failed; failing the running requests", e);
        for (Active a : new ArrayList<>(running)) {
          finish(a, null, e);
        }
      }
    }
    failAll(new RejectedExecutionException("scheduler stopped"));
  }

  private void drainIncoming(long waitMs) throws InterruptedException {
    Active first = waitMs > 0 ? incoming.poll(waitMs, TimeUnit.MILLISECONDS) : incoming.poll();
    for (Active a = first; a != null; a = incoming.poll()) {
      waiting.computeIfAbsent(a.key(), k -> new ArrayDeque<>()).add(a);
    }
  }

  /** Round robin over adapters with waiting requests, one request per adapter per pass. */
  private void admit() {
    boolean progress = true;
    while (progress && running.size() < config.maxRunning() && !waiting.isEmpty()) {
      progress = false;
      Iterator<Map.Entry<String, ArrayDeque<Active>>> it = waiting.entrySet().iterator();
      List<String> served = new ArrayList<>();
      while (it.hasNext() && running.size() < config.maxRunning()) {
        Map.Entry<String, ArrayDeque<Active>> e = it.next();
        AdapterLease lease = null;
        if (!e.getKey().equals(BASE)) {
          try {
            lease = cache.tryAcquire(e.getKey());
          } catch (AdapterCacheException ex) {
            for (Active a : e.getValue()) {
              waitingCount.decrementAndGet();
              failed++;
              fail(a, ex);
            }
            it.remove();
            continue;
          }
          if (lease == null) {
            continue;
          }
        }
        Active a = e.getValue().poll();
        waitingCount.decrementAndGet();
        if (cancelled(a)) {
          if (lease != null) {
            lease.close();
          }
          finish(a, a.request.stream().cancelReason(), null);
          if (e.getValue().isEmpty()) {
            it.remove();
          }
          continue;
        }
        a.lease = lease;
        a.sequence = model.newSequence();
        running.add(a);
        progress = true;
        served.add(e.getKey());
        if (e.getValue().isEmpty()) {
          it.remove();
        }
      }
      // Move served adapters to the back so the next pass starts with the others.
      for (String key : served) {
        ArrayDeque<Active> q = waiting.remove(key);
        if (q != null) {
          waiting.put(key, q);
        }
      }
    }
    runningCount = running.size();
  }

  private void prefetch() {
    int n = 0;
    for (Map.Entry<String, ArrayDeque<Active>> e : waiting.entrySet()) {
      if (n++ >= config.prefetchDepth()) {
        break;
      }
      if (!e.getKey().equals(BASE)) {
        cache.prefetch(e.getKey());
      }
    }
  }

  private static boolean cancelled(Active a) {
    return a.request.stream() != null && a.request.stream().cancelReason() != null;
  }

  /** The running requests of at most {@code maxAdaptersPerStep} adapters, rotating fairly. */
  private List<Active> selectStep() {
    for (Active a : new ArrayList<>(running)) {
      if (cancelled(a)) {
        finish(a, a.request.stream().cancelReason(), null);
      }
    }
    if (running.isEmpty()) {
      return List.of();
    }
    LinkedHashSet<String> adapters = new LinkedHashSet<>();
    for (Active a : running) {
      adapters.add(a.key());
    }
    List<String> order = new ArrayList<>(adapters);
    java.util.Set<String> chosen = new java.util.HashSet<>();
    int cap = Math.min(config.maxAdaptersPerStep(), order.size());
    for (int i = 0; i < cap; i++) {
      chosen.add(order.get((cycle + i) % order.size()));
    }
    if (order.size() > cap) {
      cycle = (cycle + cap) % order.size();
    }
    List<Active> batch = new ArrayList<>();
    int prefill = 0;
    for (Active a : running) {
      if (!chosen.contains(a.key())) {
        continue;
      }
      boolean isPrefill = a.sequence.length() == 0;
      if (isPrefill && prefill > 0 && prefill + a.next.length > config.maxPrefillTokens()) {
        continue;
      }
      if (isPrefill) {
        prefill += a.next.length;
      }
      batch.add(a);
    }
    lastStepAdapters = chosen.size();
    peakStepAdapters = Math.max(peakStepAdapters, chosen.size());
    return batch;
  }

  private void step(List<Active> batch) {
    List<Segment> segments = new ArrayList<>(batch.size());
    int rows = 0;
    for (Active a : batch) {
      int slot = a.lease == null ? Segment.BASE : a.lease.slot();
      segments.add(new Segment(a.sequence, a.next, slot));
      rows += a.next.length;
    }
    float[][] logits = model.forward(segments, false);
    steps++;
    stepRows += rows;
    Instant now = Instant.now();
    for (int i = 0; i < batch.size(); i++) {
      Active a = batch.get(i);
      GenerationRequest req = a.request;
      int token = sample(logits[i], req.temperature(), req.topP(), a.random);
      if (a.firstTokenTime == null) {
        a.firstTokenTime = now;
      }
      generatedTokens++;
      if (eosIds.contains(token)) {
        finish(a, "stop", null);
        continue;
      }
      GeneratedToken g =
          req.topLogprobs() < 0
              ? new GeneratedToken(token, Float.NaN, new int[0], new float[0])
              : logprobs(logits[i], token, req.topLogprobs());
      if (req.topLogprobs() >= 0) {
        a.logprobs.add(g);
      }
      if (req.stream() != null) {
        req.stream().token(g);
      }
      a.generated[a.count++] = token;
      if (req.stop() != null && req.stop().reached(a.generated, a.count)) {
        finish(a, "stop", null);
      } else if (a.count == a.request.maxTokens()) {
        finish(a, "length", null);
      } else {
        a.next = new int[] {token};
      }
    }
    runningCount = running.size();
  }

  private void finish(Active a, String reason, Throwable error) {
    running.remove(a);
    runningCount = running.size();
    if (a.lease != null) {
      a.lease.close();
    }
    if (a.sequence != null) {
      a.sequence.close();
    }
    if (error != null) {
      failed++;
      fail(a, error);
      return;
    }
    completed++;
    String version = a.request.adapterId() == null ? "" : cache.version(a.request.adapterId());
    GenerationResult result =
        new GenerationResult(
            a.request.adapterId(),
            version,
            Arrays.copyOf(a.generated, a.count),
            a.request.prompt().length,
            reason,
            List.copyOf(a.logprobs),
            a.requestTime,
            a.firstTokenTime,
            Instant.now());
    if (a.request.stream() != null) {
      a.request.stream().end(result, null);
    }
    a.future.complete(result);
  }

  private static void fail(Active a, Throwable error) {
    if (a.request.stream() != null) {
      a.request.stream().end(null, error);
    }
    a.future.completeExceptionally(error);
  }

  /** Log-softmax of the chosen token and of the k most likely ones. */
  static GeneratedToken logprobs(float[] logits, int chosen, int k) {
    double logZ = logSumExp(logits);
    int[] top = new int[Math.min(k, logits.length)];
    float[] topLp = new float[top.length];
    boolean[] taken = new boolean[logits.length];
    for (int j = 0; j < top.length; j++) {
      int best = -1;
      for (int v = 0; v < logits.length; v++) {
        if (!taken[v] && (best < 0 || logits[v] > logits[best])) {
          best = v;
        }
      }
      taken[best] = true;
      top[j] = best;
      topLp[j] = (float) (logits[best] - logZ);
    }
    return new GeneratedToken(chosen, (float) (logits[chosen] - logZ), top, topLp);
  }

  /** {@code log(sum(exp(logits)))}, computed from the largest logit so that nothing overflows. */
  public static double logSumExp(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    return max + Math.log(sum);
  }

  /** Index of the largest logit (the first on ties). */
  public static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Greedy at temperature 0, else a seeded draw from softmax(logits / T) restricted to the smallest
   * set of most likely tokens whose probability reaches {@code topP}.
   */
  static int sample(float[] logits, double temperature, double topP, SplittableRandom random) {
    int best = argmax(logits);
    if (temperature <= 0) {
      return best;
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp((logits[i] - logits[best]) / temperature);
      sum += p[i];
    }
    if (topP < 1) {
      Integer[] order = new Integer[p.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> Double.compare(p[y], p[x]));
      double kept = 0;
      int n = 0;
      while (n < order.length && kept < topP * sum) {
        kept += p[order[n++]];
      }
      for (int j = n; j < order.length; j++) {
        p[order[j]] = 0;
      }
      sum = kept;
    }
    double u = random.nextDouble() * sum;
    for (int i = 0; i < p.length; i++) {
      u -= p[i];
      if (u <= 0 && p[i] > 0) {
        return i;
      }
    }
    return best;
  }

  private void failAll(Throwable e) {
    for (Active a : new ArrayList<>(running)) {
      finish(a, null, e);
    }
    for (ArrayDeque<Active> q : waiting.values()) {
      q.forEach(a -> fail(a, e));
    }
    waiting.clear();
    for (Active a = incoming.poll(); a != null; a = incoming.poll()) {
      fail(a, e);
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
