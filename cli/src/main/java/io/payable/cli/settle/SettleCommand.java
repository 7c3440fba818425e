package io.payable.cli.settle;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code payable settle}: auditing the settlement job's roots. */
@Command(
    name = "settle",
    mixinStandardHelpOptions = true,
    description = "Audit settled epochs against the chain.",
    subcommands = {SettleVerifyCommand.class, CommandLine.HelpCommand.class})
public final class SettleCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
