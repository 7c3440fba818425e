package io.payable.cli;

import io.payable.up.UpCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
      io.payable.cli.models.ModelsCommand.class,
      io.payable.cli.loadgen.LoadgenCommand.class,
      io.payable.cli.settle.PayoutsCommand.class,
      io.payable.cli.settle.ClaimCommand.class,
      io.payable.cli.consumer.ConsumerCommand.class,
      io.payable.cli.settle.SettleCommand.class,
      io.payable.cli.sql.SqlCommand.class,
      io.payable.cli.console.ConsoleCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class PayableCli implements Runnable {

  /** Shows stack traces of errors; accepted anywhere on the command line. */
  static final String VERBOSE = "--verbose";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // Declared here for the help text; main() takes it out of the arguments wherever it appears,
  // so every subcommand honours it without declaring it.
  @CommandLine.Option(
      names = VERBOSE,
      description = "Print stack traces of errors (may appear anywhere on the command line).")
  boolean verbose;

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    int end = rest.indexOf("--");
    List<String> options = end < 0 ? rest : rest.subList(0, end);
    boolean verbose = options.removeIf(VERBOSE::equals);
    if (verbose) {
      // Commands with their own error handling (serve) read it from here.
      System.setProperty("payable.verbose", "true");
    }
    System.exit(newCommandLine(verbose).execute(rest.toArray(String[]::new)));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine newCommandLine() {
    return newCommandLine(false);
  }

  /** The configured command line; with {@code verbose}, errors print their stack trace. */
  public static CommandLine newCommandLine(boolean verbose) {
    CommandLine cli = new CommandLine(new PayableCli());
    // Benchmarks of modules lora-serving does not depend on join its `payable bench` here, where
    // every module is on the class path.
    CommandLine bench = cli.getSubcommands().get("bench");
    bench.addSubcommand(new io.payable.cli.bench.AttributionQualityCommand());
    bench.addSubcommand(new io.payable.cli.bench.AttributionPlantedCommand());
    return cli.setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new OneLineErrors(verbose));
  }

  @Override
  public void run() {
    // No subcommand: show what there is.
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
