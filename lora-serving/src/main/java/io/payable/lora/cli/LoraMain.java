package io.payable.lora.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Stand-alone entry point of the worker module ({@code serve}, {@code bench lora}), for running it
 * without the full {@code payable} CLI; the same commands are registered there.
 */
@Command(
    name = "payable-lora",
    mixinStandardHelpOptions = true,
    subcommands = {ServeCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class LoraMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoraMain()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
