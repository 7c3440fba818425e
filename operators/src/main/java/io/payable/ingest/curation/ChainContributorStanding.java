package io.payable.ingest.curation;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.DatanetRegistry;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;

/**
 * Standing read from DatanetRegistry ({@code isPenalized}, {@code contributorStakeOf}) and Staking
 * ({@code stakeOf}), cached per Datanet and contributor for {@code refreshMillis}. When the chain
 * cannot be read the last known standing answers, else none (the submission is let through and the
 * failure logged).
 */
public final class ChainContributorStanding implements ContributorStanding {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ChainContributorStanding.class);

  private final String rpcUrl;
  private final long chainId;
  private final String registryAddress;
  private final long refreshMillis;

  private transient Web3j web3j;
  private transient DatanetRegistry registry;
  private transient ConcurrentHashMap<String, Cached> cache;

  private record Cached(Standing standing, long readAt) {}

  public ChainContributorStanding(
      String rpcUrl, long chainId, String registryAddress, long refreshMillis) {
    this.rpcUrl = rpcUrl;
    this.chainId = chainId;
    this.registryAddress = registryAddress;
    this.refreshMillis = refreshMillis;
  }

  @Override
  public void open() {
    web3j = Web3j.build(new HttpService(rpcUrl));
    registry =
        DatanetRegistry.load(
            registryAddress,
            web3j,
            new ReadonlyTransactionManager(web3j, registryAddress),
            new ChainClient(web3j, chainId).gasProvider());
    cache = new ConcurrentHashMap<>();
  }

  @Override
  public Optional<Standing> standing(String datanetId, String contributor) {
    String key = datanetId + "/" + contributor;
    long now = System.currentTimeMillis();
    Cached cached = cache.get(key);
    if (cached != null && now - cached.readAt() < refreshMillis) {
      return Optional.of(cached.standing());
    }
    try {
      Standing standing;
      byte[] id = Numeric.hexStringToByteArray(datanetId);
      java.math.BigInteger required = registry.contributorStakeOf(id).send();
      if (registry.isPenalized(contributor).send()) {
        standing = Standing.PENALIZED;
      } else if (required.signum() > 0 && staked(contributor).compareTo(required) < 0) {
        // Compared here rather than with canContribute, which is also false for a closed
        // Datanet: closing is the validator's check, with its own reason.
        standing = Standing.INSUFFICIENT_STAKE;
      } else {
        standing = Standing.OK;
      }
      cache.put(key, new Cached(standing, now));
      return Optional.of(standing);
    } catch (Exception e) {
      LOG.warn("Cannot read the standing of {} in {}: {}", contributor, datanetId, e.toString());
      return cached == null ? Optional.empty() : Optional.of(cached.standing());
    }
  }

  private java.math.BigInteger staked(String contributor) throws Exception {
    String stakingAddress = registry.staking().send();
    return io.payable.contracts.generated.Staking.load(
            stakingAddress,
            web3j,
            new ReadonlyTransactionManager(web3j, stakingAddress),
            new ChainClient(web3j, chainId).gasProvider())
        .stakeOf(contributor)
        .send();
  }

  @Override
  public void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}
