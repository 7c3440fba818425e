package io.payable.console;

import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.ConsumerEscrow;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * What the Console reads from the chain (never writes: the browser's wallet signs and sends every
 * transaction), and the calldata of the transactions it asks the wallet to send.
 */
final class ChainReads implements AutoCloseable {

  /** A Datanet as created on chain. */
  record DatanetInfo(String id, String owner, String treasury, String metadataUri, boolean open) {}

  /**
   * A consumer's escrow account and what its wallet could deposit.
   *
   * @param walletWei OPEN the consumer's address holds (what it can deposit)
   * @param allowanceWei what the escrow may take from that address (a deposit needs as much)
   */
  record EscrowAccount(
      String escrow,
      BigInteger balanceWei,
      BigInteger availableWei,
      BigInteger redeemedWei,
      BigInteger withdrawalWei,
      long withdrawableAt,
      BigInteger walletWei,
      BigInteger allowanceWei) {}

  private final Deployment deployment;
  private final Web3j web3j;
  private final RewardsClient rewards;
  private final DatanetRegistry registry;

  ChainReads(String rpcUrl, String deploymentJson) {
    this.deployment = Deployment.fromJson(deploymentJson);
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.rewards =
        new RewardsClient(
            RewardDistributor.load(
                deployment.rewardDistributor(),
                web3j,
                new ReadonlyTransactionManager(web3j, deployment.rewardDistributor()),
                new DefaultGasProvider()));
    this.registry =
        DatanetRegistry.load(
            deployment.datanetRegistry(),
            web3j,
            new ReadonlyTransactionManager(web3j, deployment.datanetRegistry()),
            new DefaultGasProvider());
  }

  Deployment deployment() {
    return deployment;
  }

  Web3j web3j() {
    return web3j;
  }

  RewardsClient rewards() {
    return rewards;
  }

  /** Every Datanet created in the registry, in creation order, with its current state. */
  List<DatanetInfo> datanets() throws Exception {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(deployment.block())),
            DefaultBlockParameterName.LATEST,
            deployment.datanetRegistry());
    filter.addSingleTopic(EventEncoder.encode(DatanetRegistry.DATANETCREATED_EVENT));
    EthLog logs = web3j.ethGetLogs(filter).send();
    if (logs.hasError()) {
      throw new IllegalStateException("eth_getLogs failed: " + logs.getError().getMessage());
    }
    List<DatanetInfo> out = new ArrayList<>();
    for (EthLog.LogResult<?> result : logs.getLogs()) {
      var created = DatanetRegistry.getDatanetCreatedEventFromLog((Log) result.get());
      DatanetRegistry.Datanet now = registry.getDatanet(created.datanetId).send();
      out.add(
          new DatanetInfo(
              Numeric.toHexString(created.datanetId),
              now.owner.toLowerCase(),
              now.treasury.toLowerCase(),
              now.metadataURI,
              now.open));
    }
    return out;
  }

  /** The anchored root of a shard, or empty when it is not (or no longer) anchored. */
  Optional<byte[]> anchoredRoot(String datanetId, String shardId) throws Exception {
    Tuple3<byte[], BigInteger, BigInteger> anchor =
        registry
            .anchorOf(
                Numeric.hexStringToByteArray(datanetId), Numeric.hexStringToByteArray(shardId))
            .send();
    return anchor.component3().signum() == 0 ? Optional.empty() : Optional.of(anchor.component1());
  }

  /** The consumer's escrow account, or empty when the deployment has no ConsumerEscrow. */
  Optional<EscrowAccount> escrow(String consumer) throws Exception {
    String escrow = deployment.consumerEscrow();
    if (escrow == null) {
      return Optional.empty();
    }
    ConsumerEscrow e =
        ConsumerEscrow.load(
            escrow, web3j, new ReadonlyTransactionManager(web3j, escrow), new DefaultGasProvider());
    OpenToken token =
        OpenToken.load(
            deployment.openToken(),
            web3j,
            new ReadonlyTransactionManager(web3j, deployment.openToken()),
            new DefaultGasProvider());
    ConsumerEscrow.Account a = e.accountOf(consumer).send();
    return Optional.of(
        new EscrowAccount(
            escrow.toLowerCase(),
            a.balance,
            e.available(consumer).send(),
            a.redeemed,
            a.withdrawalAmount,
            a.withdrawableAt.longValueExact(),
            token.balanceOf(consumer).send(),
            token.allowance(consumer, escrow).send()));
  }

  /** Calldata of {@code OpenToken.approve(spender, amount)}. */
  static String approveCalldata(String spender, BigInteger amount) {
    return FunctionEncoder.encode(
        new Function(
            "approve", Arrays.asList(new Address(spender), new Uint256(amount)), List.of()));
  }

  /** Calldata of {@code ConsumerEscrow.deposit(amount)}. */
  static String depositCalldata(BigInteger amount) {
    return FunctionEncoder.encode(new Function("deposit", List.of(new Uint256(amount)), List.of()));
  }

  /** Calldata of {@code RewardDistributor.claim(rootIndex, account, cumulative, proof)}. */
  static String claimCalldata(
      long rootIndex, String account, BigInteger cumulative, List<String> proof) {
    List<Bytes32> siblings =
        proof.stream().map(p -> new Bytes32(Numeric.hexStringToByteArray(p))).toList();
    Function claim =
        new Function(
            "claim",
            Arrays.asList(
                new Uint256(rootIndex),
                new Address(account),
                new Uint256(cumulative),
                new DynamicArray<>(Bytes32.class, siblings)),
            List.of());
    return FunctionEncoder.encode(claim);
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
