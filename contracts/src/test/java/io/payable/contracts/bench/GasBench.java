package io.payable.contracts.bench;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployer;
import io.payable.contracts.deploy.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the gas reports share: a fresh anvil chain, one deployment, a Markdown file written. */
final class GasBench {

  private static final Logger LOG = LoggerFactory.getLogger(GasBench.class);

  /** A report measured on a started chain, returned as Markdown. */
  @FunctionalInterface
  interface Report {
    String run(AnvilChain chain) throws Exception;
  }

  private GasBench() {}

  /**
   * Runs {@code report} on a fresh anvil chain and writes it to the file named by the first
   * argument, or to {@code defaultPath} (relative to the repository root).
   */
  static void writeReport(String[] args, String defaultPath, Report report) throws Exception {
    Path out = Paths.get(args.length > 0 ? args[0] : defaultPath);
    try (AnvilChain chain = AnvilChain.start()) {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, report.run(chain));
      LOG.info("gas report written to {}", out.toAbsolutePath());
    }
  }

  /**
   * Deploys Payable from account 0 with account 1 as settler and accounts 3 and 4 in the other
   * roles, as both reports measure it.
   */
  static Deployment deploy(AnvilChain chain, ChainClient client) throws Exception {
    DeployConfig config =
        DeployConfig.localDefaults()
            .withRoles(
                chain.account(0).address(),
                chain.account(1).address(),
                chain.account(3).address(),
                chain.account(4).address());
    return new Deployer(client, chain.account(0).credentials()).deploy(config);
  }
}
