package io.payable.contracts.client;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Erc2612Permit;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.contracts.generated.ConsumerEscrow;
import io.payable.contracts.generated.OpenToken;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * ConsumerEscrow for consumers (deposit, withdraw, balance), workers (an account's state) and the
 * settlement job (batch redeem), signing with one key.
 */
public final class EscrowClient {

  private final ChainClient chain;
  private final ConsumerEscrow escrow;
  private final OpenToken token;
  private final Credentials credentials;

  private EscrowClient(
      ChainClient chain, ConsumerEscrow escrow, OpenToken token, Credentials credentials) {
    this.chain = chain;
    this.escrow = escrow;
    this.token = token;
    this.credentials = credentials;
  }

  /** A client of the deployment's escrow that signs with {@code credentials}. */
  public static EscrowClient connect(
      ChainClient chain, Deployment deployment, Credentials credentials) {
    Objects.requireNonNull(
        deployment.consumerEscrow(), "the deployment file has no consumerEscrow");
    return connect(chain, deployment.consumerEscrow(), deployment.openToken(), credentials);
  }

  /**
   * A client of the escrow at {@code escrowAddress} paying in the token at {@code tokenAddress}.
   */
  public static EscrowClient connect(
      ChainClient chain, String escrowAddress, String tokenAddress, Credentials credentials) {
    var tx = chain.transactionManager(credentials);
    return new EscrowClient(
        chain,
        ConsumerEscrow.load(escrowAddress, chain.web3j(), tx, chain.gasProvider()),
        OpenToken.load(tokenAddress, chain.web3j(), tx, chain.gasProvider()),
        credentials);
  }

  public String address() {
    return escrow.getContractAddress();
  }

  /** The EIP-712 domain consumers sign vouchers in. */
  public Eip712Domain voucherDomain() {
    return VoucherSignatures.domain(chain.chainId(), escrow.getContractAddress());
  }

  /** Approves and deposits {@code amount} OPEN wei for the signing key; returns the receipt. */
  public TransactionReceipt deposit(BigInteger amount) throws Exception {
    ok(token.approve(escrow.getContractAddress(), amount).send());
    return ok(escrow.deposit(amount).send());
  }

  /** Deposits with an ERC-2612 permit: one transaction, no prior approval. */
  public TransactionReceipt depositWithPermit(BigInteger amount, long deadline) throws Exception {
    BigInteger nonce = token.nonces(credentials.getAddress()).send();
    Sign.SignatureData sig =
        Erc2612Permit.sign(
            Erc2612Permit.openTokenDomain(chain.chainId(), token.getContractAddress()),
            credentials,
            escrow.getContractAddress(),
            amount,
            nonce,
            BigInteger.valueOf(deadline));
    return ok(
        escrow
            .depositWithPermit(
                amount,
                BigInteger.valueOf(deadline),
                BigInteger.valueOf(Byte.toUnsignedInt(sig.getV()[0])),
                sig.getR(),
                sig.getS())
            .send());
  }

  public TransactionReceipt requestWithdrawal(BigInteger amount) throws Exception {
    return ok(escrow.requestWithdrawal(amount).send());
  }

  public TransactionReceipt withdraw() throws Exception {
    return ok(escrow.withdraw().send());
  }

  /** {@code consumer}'s state. */
  public EscrowAccount account(String consumer) throws Exception {
    ConsumerEscrow.Account a = escrow.accountOf(consumer).send();
    return new EscrowAccount(
        a.balance, a.redeemed, a.withdrawalAmount, a.withdrawableAt.longValueExact());
  }

  /** The latest block's timestamp: the clock the escrow's withdrawal delay runs on. */
  public long chainTime() throws Exception {
    return chain
        .web3j()
        .ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  /** The withdrawal delay in seconds. */
  public long withdrawalDelay() throws Exception {
    return escrow.withdrawalDelay().send().longValueExact();
  }

  /** Redeems {@code batch} in one transaction (SETTLER key). */
  public RedeemResult redeem(List<Redemption> batch) throws Exception {
    List<ConsumerEscrow.Redemption> entries = new ArrayList<>(batch.size());
    for (Redemption r : batch) {
      var v = r.voucher().voucher();
      entries.add(
          new ConsumerEscrow.Redemption(
              new ConsumerEscrow.Voucher(
                  v.consumer(), v.cumulativeAmount(), BigInteger.valueOf(v.expiry())),
              r.voucher().signatureBytes(),
              r.charged()));
    }
    TransactionReceipt receipt = ok(escrow.redeem(entries).send());
    Map<String, BigInteger> redeemed = new LinkedHashMap<>();
    for (var e : ConsumerEscrow.getRedeemedEvents(receipt)) {
      redeemed.merge(e.consumer.toLowerCase(Locale.ROOT), e.amount, BigInteger::add);
    }
    Map<String, BigInteger> shortfalls = new LinkedHashMap<>();
    for (var e : ConsumerEscrow.getRedemptionShortfallEvents(receipt)) {
      shortfalls.merge(e.consumer.toLowerCase(Locale.ROOT), e.amount, BigInteger::add);
    }
    return new RedeemResult(
        receipt.getTransactionHash(),
        receipt.getBlockNumber().longValueExact(),
        receipt.getGasUsed().longValueExact(),
        redeemed,
        shortfalls);
  }

  public ConsumerEscrow contract() {
    return escrow;
  }

  private static TransactionReceipt ok(TransactionReceipt receipt) {
    if (!receipt.isStatusOK()) {
      throw new IllegalStateException("transaction " + receipt.getTransactionHash() + " reverted");
    }
    return receipt;
  }
}
