package io.payable.contracts.anvil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.contracts.generated.OpenToken;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/** The solc-js → Web3j codegen pipeline, proved by deploying and calling a contract on anvil. */
class AnvilWeb3jITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final BigInteger SUPPLY = BigInteger.TEN.pow(9 + 18);

  @Test
  void deploysTheTokenAndMovesBalancesWithSignedTransactions() throws Exception {
    DevAccount deployer = ANVIL.chain().account(0);
    DevAccount receiver = ANVIL.chain().account(1);
    OpenToken token =
        OpenToken.deploy(
                ANVIL.web3j(),
                new RawTransactionManager(
                    ANVIL.web3j(), deployer.credentials(), ANVIL.chain().chainId()),
                new DefaultGasProvider(),
                deployer.address())
            .send();

    assertThat(token.getContractAddress()).startsWith("0x");
    assertThat(token.symbol().send()).isEqualTo("OPEN");
    assertThat(token.totalSupply().send()).isEqualTo(SUPPLY);
    assertThat(token.balanceOf(deployer.address()).send()).isEqualTo(SUPPLY);

    BigInteger amount = new BigInteger("1234500000000000000000");
    TransactionReceipt receipt = token.transfer(receiver.address(), amount).send();
    assertThat(receipt.isStatusOK()).isTrue();
    assertThat(token.balanceOf(receiver.address()).send()).isEqualTo(amount);
    assertThat(token.balanceOf(deployer.address()).send()).isEqualTo(SUPPLY.subtract(amount));
  }

  @Test
  void aTransferAboveTheBalanceReverts() {
    DevAccount deployer = ANVIL.chain().account(2);
    DevAccount poor = ANVIL.chain().account(3);
    assertThatThrownBy(
            () -> {
              OpenToken token =
                  OpenToken.deploy(
                          ANVIL.web3j(),
                          new RawTransactionManager(
                              ANVIL.web3j(), deployer.credentials(), ANVIL.chain().chainId()),
                          new DefaultGasProvider(),
                          deployer.address())
                      .send();
              OpenToken asPoor =
                  OpenToken.load(
                      token.getContractAddress(),
                      ANVIL.web3j(),
                      new RawTransactionManager(
                          ANVIL.web3j(), poor.credentials(), ANVIL.chain().chainId()),
                      new DefaultGasProvider());
              asPoor.transfer(deployer.address(), BigInteger.ONE).send();
            })
        .hasMessageContaining("revert");
  }

  @Test
  void theChainListensOnLoopbackWithFundedAccounts() throws Exception {
    assertThat(ANVIL.chain().rpcUrl()).startsWith("http://127.0.0.1:");
    assertThat(ANVIL.chain().accounts()).hasSize(12);
    BigInteger balance =
        ANVIL
            .web3j()
            .ethGetBalance(
                ANVIL.chain().account(0).address(),
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
            .send()
            .getBalance();
    assertThat(balance).isPositive();
    assertThat(ANVIL.web3j().ethChainId().send().getChainId().longValue())
        .isEqualTo(ANVIL.chain().chainId());
  }
}
