package io.payable.contracts.staking;

import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.Staking;
import java.math.BigInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.tx.gas.DefaultGasProvider;

/** Stake, cooldown, withdraw and slashing, with a plain account holding the SLASHER role. */
class StakingITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final long COOLDOWN = 86_400;
  private static final int ADMIN = 0;
  private static final int SLASHER = 1;
  private static final int TREASURY = 2;
  private static final int OPERATOR = 3;

  private static ChainClient client;
  private static OpenToken token;
  private static Staking staking;

  private static String address(int i) {
    return ANVIL.chain().account(i).address();
  }

  private static Staking as(int i) {
    return Staking.load(
        staking.getContractAddress(),
        ANVIL.web3j(),
        client.transactionManager(ANVIL.chain().account(i).credentials()),
        new DefaultGasProvider());
  }

  @BeforeAll
  static void deploy() throws Exception {
    client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    var tx = client.transactionManager(ANVIL.chain().account(ADMIN).credentials());
    token = OpenToken.deploy(ANVIL.web3j(), tx, new DefaultGasProvider(), address(ADMIN)).send();
    staking =
        Staking.deploy(
                ANVIL.web3j(),
                tx,
                new DefaultGasProvider(),
                token.getContractAddress(),
                address(TREASURY),
                BigInteger.valueOf(COOLDOWN),
                address(ADMIN),
                address(SLASHER))
            .send();
    token.transfer(address(OPERATOR), BigInteger.valueOf(1_000)).send();
    OpenToken.load(
            token.getContractAddress(),
            ANVIL.web3j(),
            client.transactionManager(ANVIL.chain().account(OPERATOR).credentials()),
            new DefaultGasProvider())
        .approve(staking.getContractAddress(), BigInteger.valueOf(1_000))
        .send();
  }

  @Test
  void stakeUnstakeWithdrawAndSlash() throws Exception {
    Staking op = as(OPERATOR);
    assertRevertsWith(
        ANVIL.web3j(), address(OPERATOR), op, op.stake(BigInteger.ZERO), "ZeroAmount()");
    op.stake(BigInteger.valueOf(1_000)).send();
    assertThat(op.stakeOf(address(OPERATOR)).send()).isEqualTo(BigInteger.valueOf(1_000));

    assertRevertsWith(
        ANVIL.web3j(),
        address(OPERATOR),
        op,
        op.requestUnstake(BigInteger.valueOf(1_001)),
        "InsufficientStake(uint256,uint256)");
    assertRevertsWith(ANVIL.web3j(), address(OPERATOR), op, op.withdraw(), "NothingToWithdraw()");
    op.requestUnstake(BigInteger.valueOf(400)).send();
    assertThat(op.stakeOf(address(OPERATOR)).send()).isEqualTo(BigInteger.valueOf(600));
    assertRevertsWith(
        ANVIL.web3j(), address(OPERATOR), op, op.withdraw(), "CooldownNotOver(uint64)");

    // Only the slasher slashes; pending stake is slashable once the active stake is gone.
    assertRevertsWith(
        ANVIL.web3j(),
        address(OPERATOR),
        op,
        op.slash(address(OPERATOR), BigInteger.ONE, new byte[32]),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    Staking slasher = as(SLASHER);
    assertRevertsWith(
        ANVIL.web3j(),
        address(SLASHER),
        slasher,
        slasher.slash(address(OPERATOR), BigInteger.valueOf(1_001), new byte[32]),
        "InsufficientStake(uint256,uint256)");
    slasher.slash(address(OPERATOR), BigInteger.valueOf(700), new byte[32]).send();
    var position = op.positionOf(address(OPERATOR)).send();
    assertThat(position.component1()).isZero();
    assertThat(position.component2()).isEqualTo(BigInteger.valueOf(300));
    assertThat(token.balanceOf(address(TREASURY)).send()).isEqualTo(BigInteger.valueOf(700));

    ANVIL.chain().advance(COOLDOWN);
    op.withdraw().send();
    assertThat(token.balanceOf(address(OPERATOR)).send()).isEqualTo(BigInteger.valueOf(300));
    assertThat(token.balanceOf(staking.getContractAddress()).send()).isZero();
  }

  @Test
  void onlyTheAdminChangesCooldownAndTreasury() throws Exception {
    Staking op = as(OPERATOR);
    assertRevertsWith(
        ANVIL.web3j(),
        address(OPERATOR),
        op,
        op.setCooldown(BigInteger.ONE),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    Staking admin = as(ADMIN);
    assertRevertsWith(
        ANVIL.web3j(),
        address(ADMIN),
        admin,
        admin.setTreasury("0x0000000000000000000000000000000000000000"),
        "ZeroAddress()");
    admin.setCooldown(BigInteger.valueOf(COOLDOWN)).send();
    assertThat(admin.cooldown().send()).isEqualTo(BigInteger.valueOf(COOLDOWN));
  }
}
