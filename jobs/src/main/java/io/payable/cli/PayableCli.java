package io.payable.cli;

import io.payable.up.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code payable} command line: one entry point, one subcommand per task. */
@Command(
    name = "payable",
    mixinStandardHelpOptions = true,
    versionProvider = PayableVersion.class,
    description = "Payable: Proof-of-Attribution data platform on Apache Flink.",
    subcommands = {
      UpCommand.class,
      io.payable.index.cli.IndexCommand.class,
      io.payable.index.cli.TraceCommand.class,
      io.payable.contracts.cli.MerkleCommand.class,
      io.payable.contracts.cli.ContractsCommand.class,
      io.payable.lora.cli.ServeCommand.class,
      io.payable.lora.cli.BenchCommand.class,
      io.payable.cli.datanet.DatanetCommand.class,
      io.payable.cli.loadgen.LoadgenCommand.class,
      io.payable.cli.settle.PayoutsCommand.class,
      io.payable.cli.settle.ClaimCommand.class,
      io.payable.cli.settle.SettleCommand.class,
      io.payable.cli.sql.SqlCommand.class,
      io.payable.cli.console.ConsoleCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class PayableCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new PayableCli()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    // No subcommand: show what there is.
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
