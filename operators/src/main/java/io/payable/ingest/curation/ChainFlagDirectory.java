package io.payable.ingest.curation;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.DatanetRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;

/** Flags read from DatanetRegistry ({@code flagOf}), uncached: outcomes are rare and final. */
public final class ChainFlagDirectory implements FlagDirectory {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ChainFlagDirectory.class);

  private final String rpcUrl;
  private final long chainId;
  private final String registryAddress;

  private transient Web3j web3j;
  private transient DatanetRegistry registry;

  public ChainFlagDirectory(String rpcUrl, long chainId, String registryAddress) {
    this.rpcUrl = rpcUrl;
    this.chainId = chainId;
    this.registryAddress = registryAddress;
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
  }

  @Override
  public Optional<FlagState> flagOf(String contributionId) {
    try {
      DatanetRegistry.Flag f = registry.flagOf(Numeric.hexStringToByteArray(contributionId)).send();
      return Optional.of(
          new FlagState(
              Numeric.toHexString(f.datanetId),
              f.contributor.toLowerCase(),
              f.status.intValueExact(),
              Numeric.toHexString(f.reasonCode),
              registry.isPenalized(f.contributor).send()));
    } catch (Exception e) {
      LOG.warn("Cannot read the flag of {} from the chain: {}", contributionId, e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}
