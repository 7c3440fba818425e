package io.payable.contracts.deploy;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.ConsumerEscrow;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.generated.OpenGovernor;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.PayableTimelock;
import io.payable.contracts.generated.ProtocolParams;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.generated.Staking;
import java.math.BigInteger;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * Deploys and wires the Payable contracts, then hands every admin power to governance.
 *
 * <p>Order: OpenToken, PayableTimelock (deployer as temporary admin), OpenGovernor (proposer and
 * canceller on the timelock, anyone may execute), ProtocolParams (owned by the timelock),
 * DatanetRegistry, Staking (timelock is admin, slasher and treasury; the registry, linked to
 * ProtocolParams and Staking for curation, holds Staking's PENALIZER role), ModelRegistry,
 * RewardDistributor (timelock is admin; settler and guardian from the config), ConsumerEscrow
 * (timelock is admin, the settler redeems into the distributor). Finally the deployer renounces its
 * timelock admin role, so from then on only proposals change anything: the deployer holds no role
 * anywhere once this returns. Settler, guardian and anchorer must be set, non-zero and distinct
 * ({@link DeployConfig#checkRoles()}); there are no defaults.
 */
public final class Deployer {

  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

  private final ChainClient chain;
  private final Credentials credentials;

  public Deployer(ChainClient chain, Credentials credentials) {
    this.chain = chain;
    this.credentials = credentials;
  }

  public Deployment deploy(DeployConfig config) throws Exception {
    Web3j web3j = chain.web3j();
    TransactionManager tx = chain.transactionManager(credentials);
    ContractGasProvider gas = chain.gasProvider();
    String me = credentials.getAddress();
    List<String> problems = config.checkRoles();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("bad roles: " + String.join("; ", problems));
    }

    OpenToken token = OpenToken.deploy(web3j, tx, gas, orElse(config.tokenHolder(), me)).send();
    long firstBlock = blockOf(token);
    PayableTimelock timelock =
        PayableTimelock.deploy(
                web3j,
                tx,
                gas,
                BigInteger.valueOf(config.timelockDelaySeconds()),
                List.of(),
                // The zero address as executor lets anyone execute a queued, passed proposal.
                List.of("0x0000000000000000000000000000000000000000"),
                me)
            .send();
    OpenGovernor governor =
        OpenGovernor.deploy(
                web3j,
                tx,
                gas,
                token.getContractAddress(),
                timelock.getContractAddress(),
                BigInteger.valueOf(config.votingDelaySeconds()),
                BigInteger.valueOf(config.votingPeriodSeconds()),
                config.proposalThreshold(),
                BigInteger.valueOf(config.quorumPercent()),
                BigInteger.valueOf(config.lateQuorumExtensionSeconds()))
            .send();
    String gov = timelock.getContractAddress();
    ok(timelock.grantRole(timelock.PROPOSER_ROLE().send(), governor.getContractAddress()).send());
    ok(timelock.grantRole(timelock.CANCELLER_ROLE().send(), governor.getContractAddress()).send());

    ProtocolParams params =
        ProtocolParams.deploy(
                web3j,
                tx,
                gas,
                gov,
                config.feeSplitBps().stream().map(BigInteger::valueOf).toList(),
                BigInteger.valueOf(config.attributionThresholdPpm()),
                BigInteger.valueOf(config.minSpanTokens()),
                BigInteger.valueOf(config.maxOccurrences()),
                BigInteger.valueOf(config.epochLengthSeconds()),
                BigInteger.valueOf(config.activationDelaySeconds()),
                BigInteger.valueOf(config.minActivationDelaySeconds()))
            .send();
    // The registry and Staking start administered by the deployer, which links curation (the
    // registry reads ProtocolParams and penalises through Staking) and then hands both to the
    // timelock below.
    DatanetRegistry datanets = DatanetRegistry.deploy(web3j, tx, gas, me, config.anchorer()).send();
    Staking staking =
        Staking.deploy(
                web3j,
                tx,
                gas,
                token.getContractAddress(),
                gov,
                BigInteger.valueOf(config.unstakeCooldownSeconds()),
                BigInteger.valueOf(config.minUnstakeCooldownSeconds()),
                BigInteger.valueOf(config.freezePeriodSeconds()),
                me,
                gov,
                config.guardian())
            .send();
    ok(datanets.setCuration(params.getContractAddress(), staking.getContractAddress()).send());
    ok(staking.grantRole(staking.PENALIZER_ROLE().send(), datanets.getContractAddress()).send());
    byte[] admin = datanets.DEFAULT_ADMIN_ROLE().send();
    ok(datanets.grantRole(admin, gov).send());
    ok(datanets.renounceRole(admin, me).send());
    ok(staking.grantRole(admin, gov).send());
    ok(staking.renounceRole(admin, me).send());
    ModelRegistry models =
        ModelRegistry.deploy(
                web3j,
                tx,
                gas,
                datanets.getContractAddress(),
                staking.getContractAddress(),
                config.minWorkerStake(),
                gov)
            .send();
    RewardDistributor distributor =
        RewardDistributor.deploy(
                web3j,
                tx,
                gas,
                token.getContractAddress(),
                params.getContractAddress(),
                gov,
                config.settler(),
                config.guardian())
            .send();

    ConsumerEscrow escrow =
        ConsumerEscrow.deploy(
                web3j,
                tx,
                gas,
                token.getContractAddress(),
                distributor.getContractAddress(),
                gov,
                config.settler(),
                BigInteger.valueOf(consumerWithdrawalDelay(config)))
            .send();

    ok(timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE().send(), me).send());

    Deployment deployment =
        new Deployment(
            Deployment.FORMAT_VERSION,
            chain.chainId(),
            firstBlock,
            me,
            token.getContractAddress(),
            timelock.getContractAddress(),
            governor.getContractAddress(),
            params.getContractAddress(),
            datanets.getContractAddress(),
            staking.getContractAddress(),
            models.getContractAddress(),
            distributor.getContractAddress(),
            escrow.getContractAddress());
    LOG.info(
        "Deployed Payable on chain {} from block {}: distributor {}",
        chain.chainId(),
        firstBlock,
        distributor.getContractAddress());
    return deployment;
  }

  /**
   * Two epochs: a consumer's withdrawal waits until the settlement of the epoch it was last served
   * in has redeemed what it signed (docs/contracts.md, "Consumer payments"). Bounded by the
   * escrow's 30-day maximum.
   */
  static long consumerWithdrawalDelay(DeployConfig config) {
    return Math.min(2 * config.epochLengthSeconds(), 30L * 86_400);
  }

  private static long blockOf(org.web3j.tx.Contract contract) {
    return contract
        .getTransactionReceipt()
        .map(r -> r.getBlockNumber().longValueExact())
        .orElse(0L);
  }

  private static String orElse(String address, String fallback) {
    return address == null || address.isBlank() ? fallback : address;
  }

  private static void ok(TransactionReceipt receipt) {
    if (!receipt.isStatusOK()) {
      throw new IllegalStateException("transaction " + receipt.getTransactionHash() + " failed");
    }
  }
}
