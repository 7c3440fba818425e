package io.payable.contracts.testing;

import java.math.BigInteger;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Sends many calls from one key without waiting for each receipt (consecutive nonces), then waits
 * for the last one: how an attacker floods a contract, and how the gas benchmark sets up 1,000
 * roots in seconds.
 */
public final class BulkSender {

  private BulkSender() {}

  /** Sends every call in {@code calldatas} to {@code to}; returns the last receipt. */
  public static TransactionReceipt send(
      Web3j web3j, long chainId, Credentials from, String to, List<String> calldatas)
      throws Exception {
    BigInteger nonce =
        web3j
            .ethGetTransactionCount(from.getAddress(), DefaultBlockParameterName.PENDING)
            .send()
            .getTransactionCount();
    BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice().multiply(BigInteger.TWO);
    String last = null;
    for (String data : calldatas) {
      RawTransaction tx =
          RawTransaction.createTransaction(
              nonce, gasPrice, BigInteger.valueOf(500_000), to, BigInteger.ZERO, data);
      EthSendTransaction sent =
          web3j
              .ethSendRawTransaction(
                  Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, from)))
              .send();
      if (sent.hasError()) {
        throw new IllegalStateException("send failed: " + sent.getError().getMessage());
      }
      last = sent.getTransactionHash();
      nonce = nonce.add(BigInteger.ONE);
    }
    TransactionReceipt receipt =
        new PollingTransactionReceiptProcessor(web3j, 50, 1_200).waitForTransactionReceipt(last);
    if (!receipt.isStatusOK()) {
      throw new IllegalStateException("the last bulk call reverted: " + receipt.getRevertReason());
    }
    return receipt;
  }
}
