package io.payable.settlement;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.chain.KeySource;
import io.payable.contracts.client.EscrowAccount;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.client.RedeemResult;
import io.payable.contracts.client.Redemption;
import io.payable.contracts.generated.ConsumerEscrow;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Redeems an epoch's consumer charges from ConsumerEscrow in one batch, idempotently. It reads each
 * consumer's account first and sends only the entries that still pay something and that the
 * consumer's balance covers: a consumer already redeemed up to its charges (a repeat after a crash)
 * is skipped, and one whose balance falls short is reported without a transaction (the escrow would
 * only emit {@code RedemptionShortfall}). The batch, if any, is sent with the SETTLER key; the
 * escrow funds the RewardDistributor with its sum in the same transaction.
 */
final class ConsumerRedeemer {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerRedeemer.class);

  /**
   * One consumer after the redeem.
   *
   * @param charge what the epoch charges it
   * @param redeemedWei what the escrow has redeemed from it in total, read from the chain
   * @param balanceWei what it still holds in the escrow
   * @param txHash the redeem transaction that took its charges of this epoch (null if none did)
   */
  record Result(
      EpochConsumerCharge charge, BigInteger redeemedWei, BigInteger balanceWei, String txHash) {

    /** What the consumer was charged up to this epoch and has not paid. */
    BigInteger shortfallWei() {
      BigInteger s = charge.chargedWei().subtract(redeemedWei);
      return s.signum() > 0 ? s : BigInteger.ZERO;
    }

    /** {@code redeemed}, {@code shortfall} (balance too low) or {@code uncovered} (vouchers). */
    String status() {
      if (shortfallWei().signum() == 0) {
        return "redeemed";
      }
      return charge.covered() ? "shortfall" : "uncovered";
    }
  }

  private final Web3j web3j;
  private final EscrowClient escrow;
  private final long fromBlock;
  private long lastGasUsed;
  private int transactions;

  ConsumerRedeemer(
      Web3j web3j,
      long chainId,
      String escrowAddress,
      String tokenAddress,
      String keySource,
      long fromBlock) {
    this.web3j = web3j;
    this.escrow =
        EscrowClient.connect(
            new ChainClient(web3j, chainId),
            escrowAddress,
            tokenAddress,
            KeySource.load(keySource));
    this.fromBlock = fromBlock;
  }

  long lastGasUsed() {
    return lastGasUsed;
  }

  int transactions() {
    return transactions;
  }

  /** Redeems what {@code root} charges; {@code hook} sees the transaction once it is mined. */
  List<Result> redeem(EpochRoot root, PostingHook hook) throws Exception {
    Map<String, EscrowAccount> before = new LinkedHashMap<>();
    List<Redemption> batch = new ArrayList<>();
    for (EpochConsumerCharge c : root.consumerCharges()) {
      EscrowAccount a = escrow.account(c.consumer());
      before.put(c.consumer(), a);
      if (!c.covered() || a.redeemed().compareTo(c.chargedWei()) >= 0) {
        continue;
      }
      if (a.balance().compareTo(c.chargedWei().subtract(a.redeemed())) >= 0) {
        batch.add(c.redemption());
      }
    }
    RedeemResult sent = null;
    if (!batch.isEmpty()) {
      sent = escrow.redeem(batch);
      transactions++;
      lastGasUsed = sent.gasUsed();
      LOG.info(
          "Redeemed {} wei from {} consumer(s) for epoch {} in tx {} (gas {})",
          sent.total(),
          sent.redeemed().size(),
          root.epoch(),
          sent.txHash(),
          sent.gasUsed());
      hook.afterRedeem(root.epoch(), sent.txHash());
    }
    List<Result> out = new ArrayList<>(root.consumerCharges().size());
    for (EpochConsumerCharge c : root.consumerCharges()) {
      EscrowAccount a = sent == null ? before.get(c.consumer()) : escrow.account(c.consumer());
      String tx = null;
      if (sent != null && sent.redeemed().containsKey(c.consumer())) {
        tx = sent.txHash();
      }
      out.add(new Result(c, a.redeemed(), a.balance(), tx));
    }
    return out;
  }

  /**
   * The transaction whose {@code Redeemed} event brought {@code consumer}'s cumulative redeemed
   * amount to exactly {@code cumulative} (after a restart, the one an earlier attempt sent), or
   * null.
   */
  String findRedeemTransaction(String consumer, BigInteger cumulative) throws Exception {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
            DefaultBlockParameterName.LATEST,
            escrow.address());
    filter.addSingleTopic(EventEncoder.encode(ConsumerEscrow.REDEEMED_EVENT));
    filter.addSingleTopic("0x" + TypeEncoder.encode(new Address(consumer)));
    EthLog logs = web3j.ethGetLogs(filter).send();
    if (logs.hasError()) {
      throw new java.io.IOException("eth_getLogs: " + logs.getError().getMessage());
    }
    for (EthLog.LogResult<?> result : logs.getLogs()) {
      Log log = (Log) result.get();
      var event = ConsumerEscrow.getRedeemedEventFromLog(log);
      if (event.consumer.toLowerCase(Locale.ROOT).equals(consumer)
          && event.redeemed.equals(cumulative)) {
        return log.getTransactionHash();
      }
    }
    return null;
  }
}
