package io.payable.contracts.staking;

import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.Staking;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Stake, cooldown, withdraw, slashing and freezing, with plain accounts holding the SLASHER and
 * GUARDIAN roles.
 */
class StakingITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final long COOLDOWN = 86_400;
  private static final long MIN_COOLDOWN = 3_600;
  private static final long FREEZE = 2 * 86_400;
  private static final int ADMIN = 0;
  private static final int SLASHER = 1;
  private static final int TREASURY = 2;
  private static final int OPERATOR = 3;
  private static final int GUARDIAN = 4;

  private static ChainClient client;
  private static OpenToken token;
  private static Staking staking;
  private String snapshot;

  private static String address(int i) {
    return ANVIL.chain().account(i).address();
  }

  private static BigInteger n(long v) {
    return BigInteger.valueOf(v);
  }

  private static Staking as(int i) {
    return Staking.load(
        staking.getContractAddress(),
        ANVIL.web3j(),
        client.transactionManager(ANVIL.chain().account(i).credentials()),
        new DefaultGasProvider());
  }

  private static void reverts(int from, RemoteFunctionCall<?> call, String error) {
    assertRevertsWith(ANVIL.web3j(), address(from), as(from), call, error);
  }

  private static Staking deploy(long cooldown, long minCooldown, long freeze) throws Exception {
    var tx = client.transactionManager(ANVIL.chain().account(ADMIN).credentials());
    return Staking.deploy(
            ANVIL.web3j(),
            tx,
            new DefaultGasProvider(),
            token.getContractAddress(),
            address(TREASURY),
            n(cooldown),
            n(minCooldown),
            n(freeze),
            address(ADMIN),
            address(SLASHER),
            address(GUARDIAN))
        .send();
  }

  @BeforeAll
  static void deploy() throws Exception {
    client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    var tx = client.transactionManager(ANVIL.chain().account(ADMIN).credentials());
    token = OpenToken.deploy(ANVIL.web3j(), tx, new DefaultGasProvider(), address(ADMIN)).send();
    staking = deploy(COOLDOWN, MIN_COOLDOWN, FREEZE);
    token.transfer(address(OPERATOR), n(1_000)).send();
    OpenToken.load(
            token.getContractAddress(),
            ANVIL.web3j(),
            client.transactionManager(ANVIL.chain().account(OPERATOR).credentials()),
            new DefaultGasProvider())
        .approve(staking.getContractAddress(), n(1_000))
        .send();
  }

  @BeforeEach
  void takeSnapshot() {
    snapshot = ANVIL.chain().snapshot();
  }

  @AfterEach
  void revertSnapshot() {
    ANVIL.chain().revertTo(snapshot);
  }

  @Test
  void stakeUnstakeWithdrawAndSlash() throws Exception {
    Staking op = as(OPERATOR);
    reverts(OPERATOR, op.stake(BigInteger.ZERO), "StakingZeroAmount()");
    reverts(OPERATOR, op.requestUnstake(BigInteger.ZERO), "StakingZeroAmount()");
    op.stake(n(1_000)).send();
    assertThat(op.stakeOf(address(OPERATOR)).send()).isEqualTo(n(1_000));

    reverts(OPERATOR, op.requestUnstake(n(1_001)), "StakingInsufficientStake(uint256,uint256)");
    reverts(OPERATOR, op.withdraw(), "StakingNothingToWithdraw()");
    op.requestUnstake(n(400)).send();
    assertThat(op.stakeOf(address(OPERATOR)).send()).isEqualTo(n(600));
    reverts(OPERATOR, op.withdraw(), "StakingCooldownNotOver(uint64)");

    // Only the slasher slashes; pending stake is slashable once the active stake is gone.
    reverts(
        OPERATOR,
        op.slash(address(OPERATOR), BigInteger.ONE, new byte[32]),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    Staking slasher = as(SLASHER);
    reverts(
        SLASHER,
        slasher.slash(address(OPERATOR), BigInteger.ZERO, new byte[32]),
        "StakingZeroAmount()");
    reverts(
        SLASHER,
        slasher.slash(address(TREASURY), BigInteger.ONE, new byte[32]),
        "StakingNothingToSlash(address)");
    slasher.slash(address(OPERATOR), n(700), new byte[32]).send();
    var position = op.positionOf(address(OPERATOR)).send();
    assertThat(position.component1()).isZero();
    assertThat(position.component2()).isEqualTo(n(300));
    assertThat(token.balanceOf(address(TREASURY)).send()).isEqualTo(n(700));

    ANVIL.chain().advance(COOLDOWN);
    op.withdraw().send();
    assertThat(token.balanceOf(address(OPERATOR)).send()).isEqualTo(n(300));
    assertThat(token.balanceOf(staking.getContractAddress()).send()).isZero();
  }

  /** A new request restarts the cooldown of everything pending. */
  @Test
  void aNewRequestRestartsTheCooldown() throws Exception {
    Staking op = as(OPERATOR);
    op.stake(n(1_000)).send();
    op.requestUnstake(n(100)).send();
    ANVIL.chain().advance(COOLDOWN - 100);
    op.requestUnstake(n(100)).send();
    ANVIL.chain().advance(200);
    reverts(OPERATOR, op.withdraw(), "StakingCooldownNotOver(uint64)");
    ANVIL.chain().advance(COOLDOWN);
    op.withdraw().send();
    assertThat(token.balanceOf(address(OPERATOR)).send()).isEqualTo(n(200));
  }

  /**
   * M-2: the operator sees a slash of 800 coming, unstakes and withdraws what it can; the slash
   * still executes (taking what is left instead of reverting), and a freeze keeps the rest in.
   */
  @Test
  void aSlashCannotBeDodgedByWithdrawing() throws Exception {
    Staking op = as(OPERATOR);
    op.stake(n(1_000)).send();
    op.requestUnstake(n(600)).send();
    ANVIL.chain().advance(COOLDOWN);
    op.withdraw().send();
    // What is left (400) is below the voted amount: the slash takes all of it.
    var slashed =
        staking.getSlashedEvents(as(SLASHER).slash(address(OPERATOR), n(800), new byte[32]).send());
    assertThat(slashed).singleElement().satisfies(e -> assertThat(e.amount).isEqualTo(n(400)));
    assertThat(op.positionOf(address(OPERATOR)).send().component1()).isZero();
    assertThat(token.balanceOf(address(TREASURY)).send()).isEqualTo(n(400));
  }

  @Test
  void theGuardianFreezesUnstakingWhileASlashIsPending() throws Exception {
    Staking op = as(OPERATOR);
    op.stake(n(1_000)).send();
    op.requestUnstake(n(300)).send();
    reverts(
        OPERATOR,
        op.freeze(address(OPERATOR)),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    var frozen = staking.getFrozenEvents(as(GUARDIAN).freeze(address(OPERATOR)).send());
    assertThat(frozen)
        .singleElement()
        .satisfies(e -> assertThat(e.guardian).isEqualToIgnoringCase(address(GUARDIAN)));
    reverts(GUARDIAN, as(GUARDIAN).freeze(address(OPERATOR)), "StakingFrozen(address,uint64)");
    ANVIL.chain().advance(COOLDOWN);
    // Withdraw racing the slash: refused while frozen.
    reverts(OPERATOR, op.withdraw(), "StakingFrozen(address,uint64)");
    reverts(OPERATOR, op.requestUnstake(n(1)), "StakingFrozen(address,uint64)");
    as(SLASHER).slash(address(OPERATOR), n(1_000), new byte[32]).send();
    assertThat(op.positionOf(address(OPERATOR)).send().component2()).isZero();
    assertThat(op.frozenUntil(address(OPERATOR)).send()).isZero();
  }

  @Test
  void aFreezeEndsOnItsOwnOrByTheAdmin() throws Exception {
    Staking op = as(OPERATOR);
    op.stake(n(1_000)).send();
    as(GUARDIAN).freeze(address(OPERATOR)).send();
    reverts(OPERATOR, op.requestUnstake(n(1)), "StakingFrozen(address,uint64)");
    ANVIL.chain().advance(FREEZE + 1);
    op.requestUnstake(n(1)).send();
    as(GUARDIAN).freeze(address(OPERATOR)).send();
    reverts(
        OPERATOR,
        as(OPERATOR).unfreeze(address(OPERATOR)),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    assertThat(staking.getUnfrozenEvents(as(ADMIN).unfreeze(address(OPERATOR)).send())).hasSize(1);
    op.requestUnstake(n(1)).send();
  }

  @Test
  void onlyTheAdminChangesCooldownAndTreasuryWithinBounds() throws Exception {
    Staking op = as(OPERATOR);
    String denied = "AccessControlUnauthorizedAccount(address,bytes32)";
    reverts(OPERATOR, op.setCooldown(n(COOLDOWN)), denied);
    reverts(OPERATOR, op.setTreasury(address(OPERATOR)), denied);
    Staking admin = as(ADMIN);
    reverts(
        ADMIN,
        admin.setTreasury("0x0000000000000000000000000000000000000000"),
        "StakingZeroAddress()");
    // Shorter than a slash proposal takes, or longer than the maximum: refused.
    reverts(
        ADMIN,
        admin.setCooldown(n(MIN_COOLDOWN - 1)),
        "StakingInvalidCooldown(uint64,uint64,uint64)");
    reverts(
        ADMIN,
        admin.setCooldown(n(180 * 86_400 + 1)),
        "StakingInvalidCooldown(uint64,uint64,uint64)");
    var changed = staking.getCooldownChangedEvents(admin.setCooldown(n(MIN_COOLDOWN)).send());
    assertThat(changed)
        .singleElement()
        .satisfies(e -> assertThat(e.seconds_).isEqualTo(n(MIN_COOLDOWN)));
    var moved = staking.getTreasuryChangedEvents(admin.setTreasury(address(OPERATOR)).send());
    assertThat(moved)
        .singleElement()
        .satisfies(e -> assertThat(e.treasury).isEqualToIgnoringCase(address(OPERATOR)));
  }

  @Test
  void theConstructorRefusesBadBounds() {
    for (long[] bad :
        new long[][] {
          {100, 3_600, FREEZE}, {COOLDOWN, COOLDOWN, 0}, {COOLDOWN, 3_600, 31 * 86_400}
        }) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> deploy(bad[0], bad[1], bad[2]))
          .isInstanceOf(Exception.class);
    }
  }
}
