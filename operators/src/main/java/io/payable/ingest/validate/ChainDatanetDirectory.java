package io.payable.ingest.validate;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.DatanetRegistry;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;

/**
 * Datanet status read from DatanetRegistry and cached for {@code refreshMillis}, so a Datanet
 * created or closed on chain takes effect within that time. When the chain cannot be reached the
 * last known status is kept, else the configured fallback answers.
 */
public final class ChainDatanetDirectory implements DatanetDirectory {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ChainDatanetDirectory.class);

  private final String rpcUrl;
  private final long chainId;
  private final String registryAddress;
  private final long refreshMillis;
  private final DatanetDirectory fallback;

  private transient Web3j web3j;
  private transient DatanetRegistry registry;
  private transient ConcurrentHashMap<String, Cached> cache;

  private record Cached(DatanetStatus status, long readAt) {}

  public ChainDatanetDirectory(
      String rpcUrl,
      long chainId,
      String registryAddress,
      long refreshMillis,
      DatanetDirectory fallback) {
    this.rpcUrl = rpcUrl;
    this.chainId = chainId;
    this.registryAddress = registryAddress;
    this.refreshMillis = refreshMillis;
    this.fallback = fallback;
  }

  @Override
  public void open() {
    web3j = Web3j.build(new HttpService(rpcUrl));
    ChainClient client = new ChainClient(web3j, chainId);
    registry =
        DatanetRegistry.load(
            registryAddress,
            web3j,
            new ReadonlyTransactionManager(web3j, registryAddress),
            client.gasProvider());
    cache = new ConcurrentHashMap<>();
    fallback.open();
  }

  @Override
  public DatanetStatus status(String datanetId) {
    long now = System.currentTimeMillis();
    Cached cached = cache.get(datanetId);
    if (cached != null && now - cached.readAt() < refreshMillis) {
      return cached.status();
    }
    try {
      byte[] id = Numeric.hexStringToByteArray(datanetId);
      DatanetStatus status =
          !registry.exists(id).send()
              ? DatanetStatus.UNKNOWN
              : registry.isOpen(id).send() ? DatanetStatus.OPEN : DatanetStatus.CLOSED;
      cache.put(datanetId, new Cached(status, now));
      return status;
    } catch (Exception e) {
      LOG.warn("Cannot read Datanet {} from the chain: {}", datanetId, e.toString());
      return cached != null ? cached.status() : fallback.status(datanetId);
    }
  }

  @Override
  public void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}
