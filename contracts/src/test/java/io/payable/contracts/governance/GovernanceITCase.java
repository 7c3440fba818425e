package io.payable.contracts.governance;

import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.generated.OpenGovernor;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.ProtocolParams;
import io.payable.contracts.generated.Staking;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * A proposal end to end: OPEN holders change the attribution threshold and slash a worker operator
 * through propose, vote, queue and execute, with anvil's clock moved forward.
 */
class GovernanceITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int OPERATOR = 5;
  private static final int VOTER = 6;
  private static final long VOTING_DELAY = 60;
  private static final long VOTING_PERIOD = 86_400;
  private static final long TIMELOCK_DELAY = 3_600;
  private static final BigInteger OPEN = BigInteger.TEN.pow(18);

  private static PayableFixture fx;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
  }

  @Test
  void holdersChangeTheThresholdAndSlashThroughTheTimelock() throws Exception {
    OpenToken token = fx.token(DEPLOYER);
    // The operator stakes 50,000 OPEN; the voter holds 100M OPEN (10% of supply, quorum is 4%).
    BigInteger stake = OPEN.multiply(BigInteger.valueOf(50_000));
    token.transfer(fx.address(OPERATOR), stake).send();
    token.transfer(fx.address(VOTER), OPEN.multiply(BigInteger.valueOf(100_000_000))).send();
    fx.token(OPERATOR).approve(fx.deployment().staking(), stake).send();
    fx.staking(OPERATOR).stake(stake).send();
    fx.token(VOTER).delegate(fx.address(VOTER)).send();
    ANVIL.chain().advance(1);

    ProtocolParams params = fx.params(DEPLOYER);
    Staking staking = fx.staking(DEPLOYER);
    assertThat(params.attributionThresholdPpm().send()).isEqualTo(BigInteger.valueOf(10_000));
    // Nobody but the timelock may change parameters or slash.
    assertRevertsWith(
        fx.web3j(),
        fx.address(DEPLOYER),
        params,
        params.setAttributionThreshold(BigInteger.valueOf(20_000)),
        "OwnableUnauthorizedAccount(address)");
    // A worker of the operator, active before the slash.
    var worker = fx.account(8).credentials();
    io.payable.contracts.eip712.WorkerConsent.register(
        fx.models(OPERATOR),
        ANVIL.chain().chainId(),
        fx.address(OPERATOR),
        worker,
        System.currentTimeMillis() / 1_000,
        30 * 86_400);
    assertThat(fx.models(OPERATOR).isActiveWorker(worker.getAddress()).send()).isTrue();
    BigInteger slashed = OPEN.multiply(BigInteger.valueOf(45_000));
    byte[] reason = Hash.sha3("forged inference events".getBytes(StandardCharsets.UTF_8));
    assertRevertsWith(
        fx.web3j(),
        fx.address(DEPLOYER),
        staking,
        staking.slash(fx.address(OPERATOR), slashed, reason),
        "AccessControlUnauthorizedAccount(address,bytes32)");

    List<String> targets = List.of(fx.deployment().protocolParams(), fx.deployment().staking());
    List<BigInteger> values = List.of(BigInteger.ZERO, BigInteger.ZERO);
    List<byte[]> calldatas =
        List.of(
            Numeric.hexStringToByteArray(
                params.setAttributionThreshold(BigInteger.valueOf(20_000)).encodeFunctionCall()),
            Numeric.hexStringToByteArray(
                staking.slash(fx.address(OPERATOR), slashed, reason).encodeFunctionCall()));
    String description = "Raise the attribution threshold to 2% and slash operator 5";
    byte[] descriptionHash = Hash.sha3(description.getBytes(StandardCharsets.UTF_8));

    OpenGovernor governor = fx.governor(VOTER);
    assertThat(governor.CLOCK_MODE().send()).isEqualTo("mode=timestamp");
    governor.propose(targets, values, calldatas, description).send();
    BigInteger id = governor.hashProposal(targets, values, calldatas, descriptionHash).send();
    assertThat(governor.state(id).send()).isEqualTo(BigInteger.ZERO); // Pending

    ANVIL.chain().advance(VOTING_DELAY + 1);
    assertThat(governor.state(id).send()).isEqualTo(BigInteger.ONE); // Active
    governor.castVote(id, BigInteger.ONE).send();
    assertThat(governor.hasVoted(id, fx.address(VOTER)).send()).isTrue();

    ANVIL.chain().advance(VOTING_PERIOD + 1);
    assertThat(governor.state(id).send()).isEqualTo(BigInteger.valueOf(4)); // Succeeded
    governor.queue(targets, values, calldatas, descriptionHash).send();
    assertThat(governor.state(id).send()).isEqualTo(BigInteger.valueOf(5)); // Queued
    // Executing before the timelock delay reverts.
    assertRevertsWith(
        fx.web3j(),
        fx.address(VOTER),
        governor,
        governor.execute(targets, values, calldatas, descriptionHash, BigInteger.ZERO),
        "TimelockUnexpectedOperationState(bytes32,bytes32)");

    ANVIL.chain().advance(TIMELOCK_DELAY + 1);
    governor.execute(targets, values, calldatas, descriptionHash, BigInteger.ZERO).send();
    assertThat(governor.state(id).send()).isEqualTo(BigInteger.valueOf(7)); // Executed

    assertThat(params.attributionThresholdPpm().send()).isEqualTo(BigInteger.valueOf(20_000));
    assertThat(staking.stakeOf(fx.address(OPERATOR)).send()).isEqualTo(stake.subtract(slashed));
    // Slashed OPEN lands in the treasury, which is the timelock.
    assertThat(token.balanceOf(fx.deployment().timelock()).send()).isEqualTo(slashed);
    // 5,000 OPEN left is below the 10,000 minimum: the worker's events are refused from now on.
    assertThat(fx.models(OPERATOR).isActiveWorker(worker.getAddress()).send()).isFalse();
  }

  @Test
  void theDeployerKeepsNoAdminPower() throws Exception {
    var timelock =
        io.payable.contracts.generated.PayableTimelock.load(
            fx.deployment().timelock(),
            fx.web3j(),
            fx.tx(DEPLOYER),
            new org.web3j.tx.gas.DefaultGasProvider());
    assertThat(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE().send(), fx.address(DEPLOYER)).send())
        .isFalse();
    assertThat(timelock.hasRole(timelock.PROPOSER_ROLE().send(), fx.deployment().governor()).send())
        .isTrue();
    assertThat(fx.params(DEPLOYER).owner().send())
        .isEqualToIgnoringCase(fx.deployment().timelock());
    var distributor = fx.distributor(DEPLOYER);
    assertThat(
            distributor
                .hasRole(distributor.DEFAULT_ADMIN_ROLE().send(), fx.deployment().timelock())
                .send())
        .isTrue();
    assertThat(
            distributor
                .hasRole(distributor.DEFAULT_ADMIN_ROLE().send(), fx.address(DEPLOYER))
                .send())
        .isFalse();
    // No role anywhere for the deployer; every admin role is the timelock's.
    byte[] admin = distributor.DEFAULT_ADMIN_ROLE().send();
    String deployer = fx.address(DEPLOYER);
    String gov = fx.deployment().timelock();
    assertThat(distributor.hasRole(distributor.SETTLER_ROLE().send(), deployer).send()).isFalse();
    assertThat(distributor.hasRole(distributor.GUARDIAN_ROLE().send(), deployer).send()).isFalse();
    var datanets = fx.datanets(DEPLOYER);
    assertThat(datanets.hasRole(admin, deployer).send()).isFalse();
    assertThat(datanets.hasRole(admin, gov).send()).isTrue();
    assertThat(datanets.hasRole(datanets.ANCHOR_ROLE().send(), deployer).send()).isFalse();
    var models = fx.models(DEPLOYER);
    assertThat(models.hasRole(admin, deployer).send()).isFalse();
    assertThat(models.hasRole(admin, gov).send()).isTrue();
    var staking = fx.staking(DEPLOYER);
    assertThat(staking.hasRole(admin, deployer).send()).isFalse();
    assertThat(staking.hasRole(staking.SLASHER_ROLE().send(), gov).send()).isTrue();
    assertThat(staking.hasRole(staking.GUARDIAN_ROLE().send(), fx.address(2)).send()).isTrue();
    assertThat(staking.minCooldown().send())
        .isEqualTo(BigInteger.valueOf(VOTING_DELAY + VOTING_PERIOD + TIMELOCK_DELAY));
  }
}
