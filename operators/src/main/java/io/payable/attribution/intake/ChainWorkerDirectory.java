package io.payable.attribution.intake;

import io.payable.contracts.generated.ModelRegistry;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Workers read from ModelRegistry ({@code isActiveWorker}, {@code operatorOf}) and cached for
 * {@code refreshMillis}; a worker registered, deregistered or slashed below the minimum stake takes
 * effect within that time. If the chain cannot be read, the last answer (or the fallback) holds.
 */
public final class ChainWorkerDirectory implements WorkerDirectory {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ChainWorkerDirectory.class);

  private final String rpcUrl;
  private final String modelRegistry;
  private final long refreshMillis;
  private final WorkerDirectory fallback;

  private transient ModelRegistry registry;
  private transient ConcurrentHashMap<String, Cached> cache;

  private record Cached(Optional<String> operator, long readAt) {}

  public ChainWorkerDirectory(
      String rpcUrl, String modelRegistry, long refreshMillis, WorkerDirectory fallback) {
    this.rpcUrl = rpcUrl;
    this.modelRegistry = modelRegistry;
    this.refreshMillis = refreshMillis;
    this.fallback = fallback;
  }

  @Override
  public void open() {
    Web3j web3j = Web3j.build(new HttpService(rpcUrl));
    registry =
        ModelRegistry.load(
            modelRegistry,
            web3j,
            new ReadonlyTransactionManager(web3j, modelRegistry),
            new DefaultGasProvider());
    cache = new ConcurrentHashMap<>();
    fallback.open();
  }

  @Override
  public Optional<String> operatorOf(String worker) {
    long now = System.currentTimeMillis();
    Cached cached = cache.get(worker);
    if (cached != null && now - cached.readAt() < refreshMillis) {
      return cached.operator();
    }
    try {
      Optional<String> operator =
          registry.isActiveWorker(worker).send()
              ? Optional.of(registry.operatorOf(worker).send().toLowerCase())
              : Optional.empty();
      cache.put(worker, new Cached(operator, now));
      return operator;
    } catch (Exception e) {
      LOG.warn("Cannot read worker {} from ModelRegistry: {}", worker, e.toString());
      return cached != null ? cached.operator() : fallback.operatorOf(worker);
    }
  }
}
