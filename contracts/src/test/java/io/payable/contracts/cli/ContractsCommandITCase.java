package io.payable.contracts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.RewardDistributor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import picocli.CommandLine;

class ContractsCommandITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  @Test
  void deploysAndPrintsTheDeploymentFile(@TempDir Path dir) throws Exception {
    ContractsCommand.Deploy deploy = new ContractsCommand.Deploy();
    String key = ANVIL.chain().account(0).privateKey();
    deploy.env = name -> name.equals("PAYABLE_DEPLOYER_KEY") ? key : null;
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(deploy);
    cli.setOut(new PrintWriter(out));
    Path file = dir.resolve("deployment.json");
    int code =
        cli.execute(
            "--rpc", ANVIL.chain().rpcUrl(),
            "--key-env", "PAYABLE_DEPLOYER_KEY",
            "--settler", ANVIL.chain().account(1).address(),
            "--out", file.toString());

    assertThat(code).isZero();
    assertThat(out.toString()).doesNotContain(key.substring(2));
    Deployment printed = Deployment.fromJson(out.toString());
    assertThat(Deployment.read(file)).isEqualTo(printed);
    assertThat(printed.chainId()).isEqualTo(ANVIL.chain().chainId());
    RewardDistributor distributor =
        RewardDistributor.load(
            printed.rewardDistributor(),
            ANVIL.web3j(),
            new ReadonlyTransactionManager(ANVIL.web3j(), printed.deployer()),
            new DefaultGasProvider());
    assertThat(
            distributor
                .hasRole(distributor.SETTLER_ROLE().send(), ANVIL.chain().account(1).address())
                .send())
        .isTrue();
  }

  @Test
  void aMissingKeyVariableIsAUsageError() {
    ContractsCommand.Deploy deploy = new ContractsCommand.Deploy();
    deploy.env = name -> null;
    CommandLine cli = new CommandLine(deploy);
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("--rpc", ANVIL.chain().rpcUrl(), "--key-env", "NOPE")).isEqualTo(2);
  }
}
