package io.payable.contracts.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A Web3j client with one signing account: builds the transaction managers the generated wrappers
 * take. Receipts are polled every 100 ms (a dev chain mines at once; Web3j's default is 15 s).
 */
public final class ChainClient {

  private final Web3j web3j;
  private final long chainId;
  private final ContractGasProvider gasProvider;

  public ChainClient(Web3j web3j, long chainId) {
    this(web3j, chainId, new DefaultGasProvider());
  }

  public ChainClient(Web3j web3j, long chainId, ContractGasProvider gasProvider) {
    this.web3j = web3j;
    this.chainId = chainId;
    this.gasProvider = gasProvider;
  }

  /** Connects and asks the node for its chain id. */
  public static ChainClient connect(Web3j web3j) {
    try {
      return new ChainClient(web3j, web3j.ethChainId().send().getChainId().longValueExact());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the chain id", e);
    }
  }

  public TransactionManager transactionManager(Credentials credentials) {
    return new RawTransactionManager(
        web3j, credentials, chainId, new PollingTransactionReceiptProcessor(web3j, 100, 3_000));
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return chainId;
  }

  public ContractGasProvider gasProvider() {
    return gasProvider;
  }
}
