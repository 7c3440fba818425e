package io.payable.lora.worker;

import ai.djl.ndarray.NDManager;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.AdapterRegistry;
import io.payable.lora.adapter.InvalidAdapterException;
import io.payable.lora.batch.BatchScheduler;
import io.payable.lora.batch.GenerationRequest;
import io.payable.lora.batch.GenerationResult;
import io.payable.lora.batch.TokenStream;
import io.payable.lora.cache.AdapterCache;
import io.payable.lora.cache.AdapterCacheException;
import io.payable.lora.cache.ModelSlots;
import io.payable.lora.metering.EventSink;
import io.payable.lora.metering.PriceBook;
import io.payable.lora.payment.PaymentGate;
import io.payable.models.CausalLm;
import io.payable.models.Engines;
import io.payable.models.LoadOptions;
import io.payable.models.ModelConfig;
import io.payable.models.text.ChatMessage;
import io.payable.models.text.ChatTemplate;
import io.payable.models.text.TextTokenizer;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import io.payable.wire.inference.QuerySketch;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * A LoRA worker without its HTTP front: base model (a Hugging Face checkpoint), tokenizer and chat
 * template, adapter registry and cache, scheduler, metering and the event sink, wired together.
 */
public final class LoraWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoraWorker.class);

  private final WorkerConfig config;
  private final NDManager manager;
  private final ModelConfig modelConfig;
  private final String modelId;
  private final CausalLm model;
  private final TextTokenizer tokenizer;
  private final ChatTemplate chatTemplate;
  private final AdapterRegistry registry;
  private final AdapterCache cache;
  private final BatchScheduler scheduler;
  private final PriceBook prices;
  private final EventSink sink;
  private final String workerAddress;
  private final AtomicLong outputTokens = new AtomicLong();
  private final java.util.Map<String, ModelMeters> meters =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  private final AtomicReference<BigInteger> feesWei = new AtomicReference<>(BigInteger.ZERO);
  private volatile PaymentGate payments;
  private final QuerySketches sketches;
  // One thread: a sketch is a forward and backward pass on the CPU, kept off the scheduler's loop.
  private final java.util.concurrent.ExecutorService sketchPool =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "query-sketches");
            t.setDaemon(true);
            return t;
          });

  /** Sampling parameters of one request, as the OpenAI API names them. */
  public record Sampling(
      int maxTokens,
      double temperature,
      double topP,
      long seed,
      int topLogprobs,
      List<String> stop) {
    public Sampling {
      stop = List.copyOf(stop);
      if (stop.size() > 4 || stop.stream().anyMatch(String::isEmpty)) {
        throw new IllegalArgumentException("stop takes up to 4 non-empty strings");
      }
    }
  }

  /**
   * A running generation: its token stream (tokens as they come, and cancellation) and the metered
   * completion, which completes once the request finished, however it finished.
   */
  public record Generation(TokenStream stream, CompletableFuture<Completion> completion) {}

  public LoraWorker(WorkerConfig config, ECKeyPair key, EventSink sink) throws IOException {
    this.config = config;
    this.sink = sink;
    this.workerAddress = InferenceEventEnvelope.address(key);
    this.modelConfig = ModelConfig.read(config.baseDir());
    this.modelId =
        config.servedModelName() != null
            ? config.servedModelName()
            : config.baseDir().toAbsolutePath().normalize().getFileName().toString();
    this.tokenizer = TextTokenizer.load(config.baseDir());
    String template =
        config.chatTemplate() != null
            ? Files.readString(config.chatTemplate())
            : tokenizer.chatTemplate().orElse(null);
    this.chatTemplate =
        template == null
            ? null
            : new ChatTemplate(
                template, tokenizer.bosToken().orElse(null), tokenizer.eosToken().orElse(null));
    this.manager = Engines.newManager(Engines.device());
    long t0 = System.nanoTime();
    this.model =
        CausalLm.load(
            config.baseDir(),
            manager,
            new LoadOptions(
                manager.getDevice(),
                // F32 on the CPU (exact); F16 on a GPU (DJL cannot convert to BF16, models.md).
                manager.getDevice().isGpu()
                    ? ai.djl.ndarray.types.DataType.FLOAT16
                    : ai.djl.ndarray.types.DataType.FLOAT32,
                config.deviceSlots(),
                config.maxRank()));
    LOG.info(
        "base model {} ({}) loaded on {} in {} ms",
        modelId,
        modelConfig,
        manager.getDevice(),
        (System.nanoTime() - t0) / 1_000_000);
    this.registry = new AdapterRegistry(config.adaptersDir(), modelConfig, config.maxRank());
    int n = registry.scan();
    LOG.info("{} adapters registered, {} rejected", n, registry.rejected().size());
    this.cache =
        new AdapterCache(
            registry::get,
            d -> AdapterFiles.load(d, modelConfig),
            new ModelSlots(model),
            config.cpuAdapters(),
            config.loaderThreads());
    this.prices = new PriceBook(config.defaultPriceWei());
    if (config.pricesFile() != null) {
      prices.load(config.pricesFile());
    }
    java.util.Set<Integer> eos = new java.util.HashSet<>(tokenizer.eosTokenIds());
    eos.addAll(modelConfig.eosTokenIds());
    this.scheduler = new BatchScheduler(model, cache, eos, config.scheduler());
    this.sketches = new QuerySketches(config.baseDir(), manager.getDevice(), 2);
  }

  /** Prompt token ids of a text, with the tokenizer's special tokens (BOS). */
  public int[] encode(String text) {
    return tokenizer.encode(text, true);
  }

  /**
   * The prompt of a conversation: the chat template applied with a generation prompt, then
   * tokenized without adding special tokens again (the template writes them).
   *
   * @throws IllegalArgumentException when the model has no chat template
   */
  public int[] encodeChat(List<ChatMessage> messages) {
    if (chatTemplate == null) {
      throw new IllegalArgumentException(
          "model "
              + modelId
              + " has no chat template; use /v1/completions or start the worker with"
              + " --chat-template");
    }
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("messages must not be empty");
    }
    String prompt;
    try {
      prompt = chatTemplate.render(messages, true);
    } catch (ChatTemplate.ChatTemplateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return tokenizer.encode(prompt, false);
  }

  /**
   * Starts a generation with an adapter (or the base model when {@code model} is the base model
   * id); the completion is metered and its inference event emitted however it ends (a cancelled
   * request is metered for the tokens it got).
   *
   * @throws AdapterCacheException of kind UNKNOWN_ADAPTER for an unknown model
   * @throws IllegalArgumentException for a prompt beyond the context or bad parameters
   * @throws java.util.concurrent.RejectedExecutionException when the queue is full
   */
  public Generation generate(String model, int[] prompt, Sampling sampling, String consumer) {
    return generate("cmpl-" + UUID.randomUUID(), model, prompt, sampling, consumer);
  }

  /**
   * As {@link #generate(String, int[], Sampling, String)}, with the id of the request, which
   * becomes the id of its inference event.
   */
  public Generation generate(
      String requestId, String model, int[] prompt, Sampling sampling, String consumer) {
    return generate(requestId, model, prompt, sampling, consumer, null);
  }

  /**
   * As {@link #generate(String, String, int[], Sampling, String)}, paid with the consumer's voucher
   * when the worker takes payments ({@link #payments(PaymentGate)}): the request's maximum fee
   * ({@code max_tokens x price}) is reserved against the voucher before it runs and replaced by the
   * actual fee when it ends; the event then names the voucher's consumer and carries the voucher.
   *
   * @param voucherHeader the {@code X-Payable-Voucher} header; ignored without payments
   * @throws io.payable.lora.payment.PaymentRequiredException when the request is not paid for
   */
  public Generation generate(
      String requestId,
      String model,
      int[] prompt,
      Sampling sampling,
      String consumer,
      String voucherHeader) {
    String adapter = model.equals(modelId) ? null : model;
    if (adapter != null && registry.get(adapter) == null) {
      throw new AdapterCacheException(
          AdapterCacheException.Kind.UNKNOWN_ADAPTER, "The model `" + model + "` does not exist.");
    }
    PaymentGate gate = payments;
    PaymentGate.Reservation paid =
        gate == null
            ? null
            : gate.reserve(
                voucherHeader,
                prices.price(adapter).multiply(BigInteger.valueOf(sampling.maxTokens())));
    String payer = paid == null ? consumer : paid.consumer();
    try {
      return start(requestId, model, adapter, prompt, sampling, payer, paid);
    } catch (RuntimeException e) {
      if (paid != null) {
        paid.release();
      }
      throw e;
    }
  }

  private Generation start(
      String requestId,
      String model,
      String adapter,
      int[] prompt,
      Sampling sampling,
      String consumer,
      PaymentGate.Reservation paid) {
    TokenStream stream = new TokenStream();
    GenerationRequest request =
        new GenerationRequest(
            adapter,
            prompt,
            sampling.maxTokens(),
            sampling.temperature(),
            sampling.topP(),
            sampling.seed(),
            sampling.topLogprobs(),
            stream,
            sampling.stop().isEmpty() ? null : stopCondition(sampling.stop()));
    AdapterDescriptor descriptor = adapter == null ? null : registry.get(adapter);
    AdapterDescriptor sketched =
        descriptor != null && sketches.sketched(descriptor) ? descriptor : null;
    CompletableFuture<GenerationResult> result = scheduler.submit(request);
    CompletableFuture<Completion> done =
        sketched == null
            ? result.thenApply(
                r -> meter(requestId, model, r, consumer, sampling.stop(), paid, null, null))
            : result.thenApplyAsync(
                r -> meter(requestId, model, r, consumer, sampling.stop(), paid, sketched, prompt),
                sketchPool);
    if (paid != null) {
      // A request that fails before it is metered (queue, cache) is charged nothing.
      done.whenComplete(
          (c, error) -> {
            if (error != null) {
              paid.release();
            }
          });
    }
    return new Generation(stream, done);
  }

  /** A completion without streaming: start it and wait for it. */
  public CompletableFuture<Completion> complete(
      String model, String prompt, int maxTokens, double temperature, long seed, String consumer) {
    return generate(
            model,
            encode(prompt),
            new Sampling(maxTokens, temperature, 1.0, seed, -1, List.of()),
            consumer)
        .completion();
  }

  private GenerationRequest.StopCondition stopCondition(List<String> stop) {
    return (tokens, count) -> {
      String text = tokenizer.decode(java.util.Arrays.copyOf(tokens, count), true);
      return stop.stream().anyMatch(text::contains);
    };
  }

  /** The text of generated tokens, cut before the first stop string. */
  public String text(int[] tokens, List<String> stop) {
    String text = tokenizer.decode(tokens, true);
    return cutAtStop(text, stop);
  }

  static String cutAtStop(String text, List<String> stop) {
    int cut = text.length();
    for (String s : stop) {
      int at = text.indexOf(s);
      if (at >= 0) {
        cut = Math.min(cut, at);
      }
    }
    return text.substring(0, cut);
  }

  private Completion meter(
      String requestId,
      String model,
      GenerationResult r,
      String consumer,
      List<String> stop,
      PaymentGate.Reservation paid,
      AdapterDescriptor sketched,
      int[] prompt) {
    String text = text(r.tokens(), stop);
    int out = r.tokens().length;
    BigInteger fee = prices.fee(r.adapterId(), out);
    BigInteger charged = paid == null ? null : paid.settle(fee);
    InferenceEvent unpaidEvent =
        new InferenceEvent(
            requestId,
            workerAddress,
            modelId,
            model,
            r.adapterVersion() == null ? "" : r.adapterVersion(),
            consumer,
            fee,
            prices.basis(),
            prices.price(r.adapterId()),
            text,
            r.promptTokens(),
            out,
            r.requestTime(),
            r.firstTokenTime() == null ? r.doneTime() : r.firstTokenTime(),
            r.doneTime());
    if (sketched != null) {
      unpaidEvent = unpaidEvent.withQuerySketch(querySketch(sketched, prompt, text, requestId));
    }
    InferenceEvent event =
        paid == null
            ? unpaidEvent
            : unpaidEvent.withVoucher(
                new InferenceEvent.PaymentVoucher(
                    paid.voucher().voucher().cumulativeAmount(),
                    paid.voucher().voucher().expiry(),
                    paid.voucher().signature()));
    outputTokens.addAndGet(out);
    ModelMeters m = meters.computeIfAbsent(model, k -> new ModelMeters());
    m.requests.increment();
    m.promptTokens.add(r.promptTokens());
    m.outputTokens.add(out);
    m.latencyNanos.add(java.time.Duration.between(r.requestTime(), r.doneTime()).toNanos());
    if (r.firstTokenTime() != null) {
      m.firstTokenNanos.add(
          java.time.Duration.between(r.requestTime(), r.firstTokenTime()).toNanos());
    }
    feesWei.accumulateAndGet(fee, BigInteger::add);
    sink.accept(event);
    return new Completion(text, r.finishReason(), event, r, charged);
  }

  /**
   * The query sketch of an output (docs/attribution.md, V2.4): its tokens are the text's under the
   * base model's tokenizer, as the attribution job's audit tokenizes it. Null, with a warning, when
   * there is no output or the pass fails: the job then rejects the event ({@code missing_sketch}).
   */
  private QuerySketch querySketch(
      AdapterDescriptor adapter, int[] prompt, String text, String requestId) {
    int[] output = tokenizer.encode(text, false);
    if (output.length == 0) {
      return null;
    }
    try {
      return sketches.sketch(adapter, prompt, output);
    } catch (IOException | RuntimeException e) {
      LOG.warn("no query sketch for {} of adapter {}: {}", requestId, adapter.id(), e.toString());
      return null;
    }
  }

  /** Registers a new adapter directory (or re-validates a changed one). */
  public AdapterDescriptor register(String id) throws InvalidAdapterException {
    return registry.register(id);
  }

  public ModelConfig modelConfig() {
    return modelConfig;
  }

  /** Request, token and latency totals per model id. */
  public java.util.Map<String, ModelMeters> meters() {
    return java.util.Collections.unmodifiableMap(meters);
  }

  /** The id clients use for the base model. */
  public String modelId() {
    return modelId;
  }

  public Optional<ChatTemplate> chatTemplate() {
    return Optional.ofNullable(chatTemplate);
  }

  /** Stops serving an adapter: drops it from every cache tier and from the registry. */
  public void unregister(String id) {
    if (registry.get(id) == null) {
      throw new AdapterCacheException(
          AdapterCacheException.Kind.UNKNOWN_ADAPTER, "The model `" + id + "` does not exist.");
    }
    cache.unload(id);
    registry.unregister(id);
  }

  /** Registers an adapter directory under an id (null dir: the id's directory). */
  public AdapterDescriptor register(String id, java.nio.file.Path dir)
      throws InvalidAdapterException {
    return registry.register(id, dir);
  }

  public AdapterRegistry registry() {
    return registry;
  }

  public AdapterCache cache() {
    return cache;
  }

  public BatchScheduler scheduler() {
    return scheduler;
  }

  /**
   * Makes the worker serve paid requests only (null: serve everyone, the default). Set before the
   * HTTP server starts.
   */
  public void payments(PaymentGate gate) {
    this.payments = gate;
  }

  /** The payment gate, or null when the worker takes no payment. */
  public PaymentGate payments() {
    return payments;
  }

  public PriceBook prices() {
    return prices;
  }

  public EventSink sink() {
    return sink;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  public String workerAddress() {
    return workerAddress;
  }

  public long outputTokens() {
    return outputTokens.get();
  }

  public BigInteger feesWei() {
    return feesWei.get();
  }

  public WorkerConfig config() {
    return config;
  }

  @Override
  public void close() {
    scheduler.close();
    sketchPool.shutdown();
    sketches.close();
    sink.close();
    cache.close();
    model.close();
    tokenizer.close();
    manager.close();
  }
}
