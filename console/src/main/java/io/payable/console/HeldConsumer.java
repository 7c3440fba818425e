package io.payable.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The escrow account of the consumer whose key the Console holds (the playground consumer, {@code
 * --playground-key-file}): the Consumers page deposits into it and withdraws from it through the
 * server, which signs with that key, since no browser wallet holds it. Other accounts deposit
 * through their own wallet.
 */
final class HeldConsumer {

  private static final Pattern WEI = Pattern.compile("[0-9]{1,78}");

  private final ChainReads chain;
  private final Optional<Credentials> key;
  private EscrowClient escrow;

  HeldConsumer(ConsoleConfig config, ChainReads chain) {
    this.chain = chain;
    this.key = config.playgroundConsumerKey().map(Credentials::create);
  }

  /** The held consumer's address, lower case, if the Console holds one. */
  Optional<String> address() {
    return key.map(k -> k.getAddress().toLowerCase(Locale.ROOT));
  }

  /** POST /api/consumers/{address}/escrow/deposit {amount_wei}: approve and deposit. */
  Object deposit(Request request) throws Exception {
    BigInteger amount = amount(request);
    ChainReads.EscrowAccount a = account(request);
    if (a.walletWei().compareTo(amount) < 0) {
      throw ApiException.badRequest(
          "The account holds " + a.walletWei() + " wei of OPEN; it cannot deposit " + amount + ".");
    }
    return receipt("deposit", amount, send(() -> escrow().deposit(amount)));
  }

  /**
   * POST /api/consumers/{address}/escrow/withdrawal {amount_wei}: starts a withdrawal (replacing a
   * pending one), due after the escrow's delay; workers stop serving against it at once.
   */
  Object requestWithdrawal(Request request) throws Exception {
    BigInteger amount = amount(request);
    ChainReads.EscrowAccount a = account(request);
    // A new request replaces a pending one, so the bound is the balance (ConsumerEscrow's own).
    if (a.balanceWei().compareTo(amount) < 0) {
      throw ApiException.badRequest(
          "The escrow holds "
              + a.balanceWei()
              + " wei for this consumer; it cannot withdraw "
              + amount
              + ".");
    }
    return receipt("withdrawal", amount, send(() -> escrow().requestWithdrawal(amount)));
  }

  /** POST /api/consumers/{address}/escrow/withdraw: completes a withdrawal that is due. */
  Object withdraw(Request request) throws Exception {
    ChainReads.EscrowAccount a = account(request);
    if (a.withdrawalWei().signum() == 0) {
      throw new ApiException(409, "There is no withdrawal to complete.");
    }
    long now = escrow().chainTime();
    if (now < a.withdrawableAt()) {
      throw new ApiException(
          409,
          "The withdrawal is due in " + (a.withdrawableAt() - now) + " s (the escrow's delay).");
    }
    return receipt("withdraw", a.withdrawalWei(), send(() -> escrow().withdraw()));
  }

  private ChainReads.EscrowAccount account(Request request) throws Exception {
    String address = request.param(0).toLowerCase(Locale.ROOT);
    if (address().filter(address::equals).isEmpty()) {
      throw new ApiException(
          403,
          "This Console holds no key for "
              + address
              + "; deposit with that account's own wallet instead.");
    }
    return chain
        .escrow(address)
        .orElseThrow(() -> new ApiException(409, "This deployment has no ConsumerEscrow."));
  }

  private static BigInteger amount(Request request) {
    String text = Request.text(request.json(), "amount_wei");
    if (!WEI.matcher(text).matches() || new BigInteger(text).signum() == 0) {
      throw ApiException.badRequest("amount_wei must be a positive whole number of wei: " + text);
    }
    return new BigInteger(text);
  }

  private synchronized EscrowClient escrow() {
    if (escrow == null) {
      escrow =
          EscrowClient.connect(
              new ChainClient(chain.web3j(), chain.deployment().chainId()),
              chain.deployment(),
              key.orElseThrow());
    }
    return escrow;
  }

  private interface Transaction {
    TransactionReceipt send() throws Exception;
  }

  /** Sends one transaction at a time (one key, one nonce sequence); a revert is one line. */
  private synchronized TransactionReceipt send(Transaction tx) {
    try {
      return tx.send();
    } catch (Exception e) {
      throw new ApiException(409, "The escrow refused it: " + ConsoleServer.oneLine(e));
    }
  }

  private static ObjectNode receipt(String action, BigInteger amount, TransactionReceipt r) {
    ObjectNode out = Json.object();
    out.put("action", action);
    out.put("amount_wei", amount.toString());
    out.put("transaction", r.getTransactionHash());
    return out;
  }
}
