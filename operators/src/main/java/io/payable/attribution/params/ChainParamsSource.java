package io.payable.attribution.params;

import io.payable.contracts.client.ProtocolParameters;
import io.payable.contracts.generated.ProtocolParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * ProtocolParams read from the chain and re-read at most every {@code refreshMillis}, so a
 * governance change reaches events that enter the job after it. If the chain cannot be read, the
 * last values read (or the fallback, before the first read) stay in force and a warning is logged.
 */
public final class ChainParamsSource implements ParamsSource {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ChainParamsSource.class);

  private final String rpcUrl;
  private final String contract;
  private final long refreshMillis;
  private final AttributionParams fallback;

  private transient ProtocolParams params;
  private transient AttributionParams current;
  private transient long readAt;

  public ChainParamsSource(
      String rpcUrl, String contract, long refreshMillis, AttributionParams fallback) {
    this.rpcUrl = rpcUrl;
    this.contract = contract;
    this.refreshMillis = refreshMillis;
    this.fallback = fallback;
  }

  @Override
  public AttributionParams current() {
    long now = System.currentTimeMillis();
    if (current == null || now - readAt >= refreshMillis) {
      readAt = now;
      try {
        if (params == null) {
          Web3j web3j = Web3j.build(new HttpService(rpcUrl));
          params =
              ProtocolParams.load(
                  contract,
                  web3j,
                  new ReadonlyTransactionManager(web3j, contract),
                  new DefaultGasProvider());
        }
        AttributionParams read = AttributionParams.of(ProtocolParameters.read(params));
        if (current != null && !read.equals(current)) {
          LOG.info("ProtocolParams changed: {} -> {}", current, read);
        }
        current = read;
      } catch (Exception e) {
        LOG.warn("could not read ProtocolParams at {}; keeping the values in force", contract, e);
        if (current == null) {
          current = fallback;
        }
      }
    }
    return current;
  }
}
