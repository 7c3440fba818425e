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
            "--guardian", ANVIL.chain().account(2).address(),
            "--anchorer", ANVIL.chain().account(3).address(),
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
  void rolesAreRequiredAndDistinct() {
    ContractsCommand.Deploy deploy = new ContractsCommand.Deploy();
    String key = ANVIL.chain().account(0).privateKey();
    deploy.env = name -> key;
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(deploy);
    cli.setErr(new PrintWriter(err));
    String same = ANVIL.chain().account(1).address();
    int code =
        cli.execute(
            "--rpc",
            ANVIL.chain().rpcUrl(),
            "--key-env",
            "K",
            "--settler",
            same,
            "--guardian",
            same);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("guardian must differ from the other roles")
        .contains("anchorer must be a non-zero address");
  }

  @Test
  void theProductionProfileRefusesDemoValues(@TempDir Path dir) throws Exception {
    ContractsCommand.Deploy deploy = new ContractsCommand.Deploy();
    deploy.env = name -> ANVIL.chain().account(0).privateKey();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(deploy);
    cli.setErr(new PrintWriter(err));
    Path config = dir.resolve("production.json");
    java.nio.file.Files.writeString(
        config,
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsString(
                io.payable.contracts.deploy.DeployConfig.localDefaults()
                    .withRoles(
                        ANVIL.chain().account(4).address(),
                        ANVIL.chain().account(1).address(),
                        ANVIL.chain().account(2).address(),
                        ANVIL.chain().account(3).address())));
    assertThat(
            cli.execute(
                "--rpc", ANVIL.chain().rpcUrl(), "--key-env", "K", "--profile", "production"))
        .isEqualTo(2);
    assertThat(
            cli.execute(
                "--rpc",
                ANVIL.chain().rpcUrl(),
                "--key-env",
                "K",
                "--profile",
                "production",
                "--config",
                config.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--profile production needs --config")
        .contains("timelockDelaySeconds must be >= 172800")
        .contains("proposalThreshold must be > 0")
        .contains("minActivationDelaySeconds must be >= 21600");
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
