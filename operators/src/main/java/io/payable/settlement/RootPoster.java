package io.payable.settlement;

import io.payable.contracts.client.PostedRoot;
import io.payable.contracts.generated.RewardDistributor;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Sends {@code RewardDistributor.postRoot} as an EIP-1559 transaction and waits for its receipt.
 * The nonce is the account's pending transaction count; the gas limit is the node's estimate plus
 * 25%; the fee cap is twice the latest base fee plus the node's suggested priority fee (so the
 * transaction stays valid through several full blocks). A reverted transaction is an error.
 *
 * <p>A retry of the same epoch first looks for the transaction sent last time: still known to the
 * node, it waits for that one instead of sending a second; gone (dropped from the mempool, or lost
 * with a restarted node), it sends again, and the pending nonce is then the same one, so at most
 * one of the two can ever be mined.
 */
public final class RootPoster {

  private static final Logger LOG = LoggerFactory.getLogger(RootPoster.class);

  private final Web3j web3j;
  private final long chainId;
  private final String distributor;
  private final Credentials settler;
  private final PollingTransactionReceiptProcessor receipts;
  private long lastSentEpoch = -1;
  private String lastSentHash;

  public RootPoster(
      Web3j web3j, long chainId, String distributor, Credentials settler, long receiptTimeoutMs) {
    this.web3j = web3j;
    this.chainId = chainId;
    this.distributor = distributor;
    this.settler = settler;
    long poll = 200;
    this.receipts =
        new PollingTransactionReceiptProcessor(
            web3j, poll, (int) Math.max(1, receiptTimeoutMs / poll));
  }

  public String settlerAddress() {
    return settler.getAddress();
  }

  /** The calldata of {@code postRoot(epoch, root, totalCumulative, manifestHash)}. */
  public static String callData(EpochRoot root) {
    return FunctionEncoder.encode(
        new Function(
            RewardDistributor.FUNC_POSTROOT,
            List.of(
                new Uint64(BigInteger.valueOf(root.epoch())),
                new Bytes32(Numeric.hexStringToByteArray(root.root())),
                new Uint256(root.totalCumulativeWei()),
                new Bytes32(Numeric.hexStringToByteArray(root.manifestHash()))),
            List.of()));
  }

  /** Posts {@code root}; {@code hook} sees the transaction hash before the receipt is read. */
  public PostedRoot post(EpochRoot root, PostingHook hook) throws Exception {
    if (lastSentEpoch == root.epoch() && lastSentHash != null) {
      var known = web3j.ethGetTransactionByHash(lastSentHash).send().getTransaction();
      if (known.isPresent()) {
        LOG.info(
            "postRoot({}) was sent in {} and is not mined yet; waiting for it",
            root.epoch(),
            lastSentHash);
        return receiptOf(root, lastSentHash);
      }
      LOG.warn(
          "postRoot({}) sent in {} was dropped before it was mined; sending it again",
          root.epoch(),
          lastSentHash);
    }
    String data = callData(root);
    String from = settler.getAddress();
    BigInteger nonce =
        web3j
            .ethGetTransactionCount(from, DefaultBlockParameterName.PENDING)
            .send()
            .getTransactionCount();
    var estimate =
        web3j
            .ethEstimateGas(
                Transaction.createFunctionCallTransaction(
                    from, null, null, null, distributor, BigInteger.ZERO, data))
            .send();
    if (estimate.hasError()) {
      throw new IOException(
          "postRoot(" + root.epoch() + ") would revert: " + estimate.getError().getMessage());
    }
    BigInteger gasLimit =
        estimate.getAmountUsed().multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4));
    BigInteger baseFee =
        web3j
            .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
            .send()
            .getBlock()
            .getBaseFeePerGas();
    BigInteger tip = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
    BigInteger maxFee = baseFee.multiply(BigInteger.TWO).add(tip);
    RawTransaction tx =
        RawTransaction.createTransaction(
            chainId, nonce, gasLimit, distributor, BigInteger.ZERO, data, tip, maxFee);
    String signed = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, settler));
    EthSendTransaction sent = web3j.ethSendRawTransaction(signed).send();
    if (sent.hasError()) {
      throw new IOException(
          "postRoot(" + root.epoch() + ") not sent: " + sent.getError().getMessage());
    }
    lastSentEpoch = root.epoch();
    lastSentHash = sent.getTransactionHash();
    hook.afterSend(root.epoch(), sent.getTransactionHash());
    return receiptOf(root, sent.getTransactionHash());
  }

  private PostedRoot receiptOf(EpochRoot root, String hash) throws Exception {
    TransactionReceipt receipt = receipts.waitForTransactionReceipt(hash);
    if (!receipt.isStatusOK()) {
      throw new IOException(
          "postRoot(" + root.epoch() + ") reverted in " + receipt.getTransactionHash());
    }
    return new PostedRoot(
        root.epoch(),
        root.root(),
        receipt.getTransactionHash(),
        receipt.getBlockNumber().longValueExact(),
        receipt.getGasUsed().longValueExact());
  }
}
