package io.payable.contracts.cli;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployer;
import io.payable.contracts.deploy.Deployment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code payable contracts}: deploy and inspect the Payable contracts. */
@Command(
    name = "contracts",
    mixinStandardHelpOptions = true,
    description = "Deploy the Payable contracts on an EVM chain.",
    subcommands = {ContractsCommand.Deploy.class})
public final class ContractsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code payable contracts deploy --rpc URL --key-env VAR [--out FILE]}. */
  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description =
          "Deploy and wire every contract, hand admin powers to the governance timelock, and"
              + " print the deployment file.")
  static final class Deploy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--rpc", required = true, description = "JSON-RPC endpoint URL")
    String rpc;

    @Option(
        names = "--key-env",
        required = true,
        description = "Environment variable holding the deployer's private key (never logged)")
    String keyEnv;

    @Option(names = "--out", description = "Also write the deployment file here")
    Path out;

    @Option(names = "--settler", description = "SETTLER address (default: the deployer)")
    String settler;

    @Option(names = "--guardian", description = "GUARDIAN address (default: the deployer)")
    String guardian;

    @Option(names = "--anchorer", description = "ANCHOR address (default: the deployer)")
    String anchorer;

    @Option(names = "--token-holder", description = "Receives the OPEN supply (default: deployer)")
    String tokenHolder;

    // Tests substitute the environment.
    UnaryOperator<String> env = System::getenv;

    @Override
    public Integer call() throws Exception {
      String key = env.apply(keyEnv);
      if (key == null || key.isBlank()) {
        throw new ParameterException(
            spec.commandLine(), "environment variable " + keyEnv + " is not set");
      }
      Web3j web3j = Web3j.build(new HttpService(rpc));
      try {
        Deployment deployment =
            new Deployer(ChainClient.connect(web3j), Credentials.create(key.trim()))
                .deploy(
                    DeployConfig.localDefaults()
                        .withRoles(tokenHolder, settler, guardian, anchorer));
        if (out != null) {
          deployment.write(out);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(deployment.toJson());
        w.flush();
        return 0;
      } finally {
        web3j.shutdown();
      }
    }
  }
}
