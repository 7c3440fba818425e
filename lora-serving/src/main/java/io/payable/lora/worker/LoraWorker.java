package io.payable.lora.worker;

import ai.djl.ndarray.NDManager;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.AdapterFiles;
import io.payable.lora.adapter.AdapterRegistry;
import io.payable.lora.adapter.InvalidAdapterException;
import io.payable.lora.batch.BatchScheduler;
import io.payable.lora.batch.GenerationRequest;
import io.payable.lora.batch.GenerationResult;
import io.payable.lora.cache.AdapterCache;
import io.payable.lora.metering.EventSink;
import io.payable.lora.metering.PriceBook;
import io.payable.lora.model.Engines;
import io.payable.lora.model.LoraTransformer;
import io.payable.lora.model.ModelConfig;
import io.payable.lora.model.Safetensors;
import io.payable.lora.model.TransformerSlots;
import io.payable.lora.tokenizer.ByteTokenizer;
import io.payable.lora.tokenizer.Tokenizer;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.io.IOException;
import java.math.BigInteger;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * A LoRA worker without its HTTP front: base model, adapter registry and cache, scheduler, metering
 * and the event sink, wired together.
 */
public final class LoraWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoraWorker.class);

  private final WorkerConfig config;
  private final NDManager manager;
  private final ModelConfig modelConfig;
  private final LoraTransformer model;
  private final AdapterRegistry registry;
  private final AdapterCache cache;
  private final BatchScheduler scheduler;
  private final Tokenizer tokenizer;
  private final PriceBook prices;
  private final EventSink sink;
  private final String workerAddress;
  private final AtomicLong outputTokens = new AtomicLong();
  private final AtomicReference<BigInteger> feesWei = new AtomicReference<>(BigInteger.ZERO);

  public LoraWorker(WorkerConfig config, ECKeyPair key, EventSink sink) throws IOException {
    this.config = config;
    this.sink = sink;
    this.workerAddress = InferenceEventEnvelope.address(key);
    this.tokenizer = new ByteTokenizer();
    this.modelConfig = ModelConfig.read(config.baseDir());
    if (modelConfig.vocabSize() < tokenizer.vocabSize()) {
      throw new IllegalArgumentException(
          "model vocabulary "
              + modelConfig.vocabSize()
              + " is smaller than the tokenizer's "
              + tokenizer.vocabSize());
    }
    this.manager = Engines.newManager();
    long t0 = System.nanoTime();
    this.model =
        new LoraTransformer(
            modelConfig,
            Safetensors.read(config.baseDir().resolve(ModelConfig.WEIGHTS)),
            manager,
            config.deviceSlots(),
            config.maxRank());
    LOG.info(
        "base model {} loaded on {} in {} ms",
        modelConfig.modelId(),
        manager.getDevice(),
        (System.nanoTime() - t0) / 1_000_000);
    this.registry = new AdapterRegistry(config.adaptersDir(), modelConfig, config.maxRank());
    int n = registry.scan();
    LOG.info("{} adapters registered, {} rejected", n, registry.rejected().size());
    this.cache =
        new AdapterCache(
            registry::get,
            d -> AdapterFiles.load(d, modelConfig),
            new TransformerSlots(model),
            config.cpuAdapters(),
            config.loaderThreads());
    this.prices = new PriceBook(config.defaultPriceWei());
    if (config.pricesFile() != null) {
      prices.load(config.pricesFile());
    }
    this.scheduler = new BatchScheduler(model, cache, tokenizer.eosId(), config.scheduler());
  }

  /**
   * Completes a prompt with an adapter (or the base model when {@code model} is the base model id),
   * meters it and emits its inference event.
   */
  public CompletableFuture<Completion> complete(
      String model, String prompt, int maxTokens, double temperature, long seed, String consumer) {
    String adapter = model.equals(modelConfig.modelId()) ? null : model;
    if (adapter != null && registry.get(adapter) == null) {
      throw new io.payable.lora.cache.AdapterCacheException(
          io.payable.lora.cache.AdapterCacheException.Kind.UNKNOWN_ADAPTER,
          "unknown model or adapter " + model);
    }
    int[] tokens = tokenizer.encode(prompt);
    return scheduler
        .submit(new GenerationRequest(adapter, tokens, maxTokens, temperature, seed))
        .thenApply(r -> meter(model, r, consumer));
  }

  private Completion meter(String model, GenerationResult r, String consumer) {
    String text = tokenizer.decode(r.tokens());
    int out = r.tokens().length;
    BigInteger fee = prices.fee(r.adapterId(), out);
    InferenceEvent event =
        new InferenceEvent(
            "cmpl-" + UUID.randomUUID(),
            workerAddress,
            modelConfig.modelId(),
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
    outputTokens.addAndGet(out);
    feesWei.accumulateAndGet(fee, BigInteger::add);
    sink.accept(event);
    return new Completion(text, r.finishReason(), event);
  }

  /** Registers a new adapter directory (or re-validates a changed one). */
  public AdapterDescriptor register(String id) throws InvalidAdapterException {
    return registry.register(id);
  }

  public ModelConfig modelConfig() {
    return modelConfig;
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

  public PriceBook prices() {
    return prices;
  }

  public EventSink sink() {
    return sink;
  }

  public Tokenizer tokenizer() {
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
    sink.close();
    cache.close();
    model.close();
    manager.close();
  }
}
