package io.payable.contracts.cli;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployer;
import io.payable.contracts.deploy.Deployment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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

  /**
   * {@code payable contracts deploy --rpc URL --key-env VAR --settler A --guardian B --anchorer C
   * [--profile demo|production --config FILE] [--out FILE]}. The demo profile is refused on any
   * chain but a local dev chain (chain id 31337 or 1337); production reads every value from the
   * file and checks its bounds.
   */
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

    @Option(
        names = "--profile",
        defaultValue = "demo",
        description = "demo (local dev chain only) or production (needs --config)")
    String profile;

    @Option(
        names = "--config",
        description = "Production profile: JSON file naming every value (docs/contracts.md)")
    Path config;

    @Option(names = "--settler", description = "SETTLER address (demo profile; required)")
    String settler;

    @Option(names = "--guardian", description = "GUARDIAN address (demo profile; required)")
    String guardian;

    @Option(names = "--anchorer", description = "ANCHOR address (demo profile; required)")
    String anchorer;

    @Option(names = "--token-holder", description = "Receives the OPEN supply (demo: deployer)")
    String tokenHolder;

    static final Set<Long> LOCAL_CHAIN_IDS = Set.of(31_337L, 1_337L);

    // Tests substitute the environment.
    UnaryOperator<String> env = System::getenv;

    @Override
    public Integer call() throws Exception {
      String key = env.apply(keyEnv);
      if (key == null || key.isBlank()) {
        throw new ParameterException(
            spec.commandLine(), "environment variable " + keyEnv + " is not set");
      }
      DeployConfig chosen;
      if ("production".equals(profile)) {
        if (config == null) {
          throw new ParameterException(spec.commandLine(), "--profile production needs --config");
        }
        try {
          chosen = DeployConfig.production(config);
        } catch (RuntimeException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
      } else if ("demo".equals(profile)) {
        chosen = DeployConfig.localDefaults().withRoles(tokenHolder, settler, guardian, anchorer);
        List<String> problems = chosen.checkRoles();
        if (!problems.isEmpty()) {
          throw new ParameterException(spec.commandLine(), String.join("; ", problems));
        }
      } else {
        throw new ParameterException(
            spec.commandLine(), "unknown profile " + profile + ": use demo or production");
      }
      Web3j web3j = Web3j.build(new HttpService(rpc));
      try {
        ChainClient chain = ChainClient.connect(web3j);
        if ("demo".equals(profile) && !LOCAL_CHAIN_IDS.contains(chain.chainId())) {
          throw new ParameterException(
              spec.commandLine(),
              "the demo profile is for local dev chains only (chain id "
                  + chain.chainId()
                  + "); use --profile production --config FILE");
        }
        Deployment deployment = new Deployer(chain, Credentials.create(key.trim())).deploy(chosen);
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
