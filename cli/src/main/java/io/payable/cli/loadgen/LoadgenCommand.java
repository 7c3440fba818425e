package io.payable.cli.loadgen;

import picocli.CommandLine.Command;

/** {@code payable loadgen}: test tools that produce synthetic load for benchmarks and demos. */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    description = "Test tools: synthetic load for benchmarks and demos.",
    subcommands = {InferenceLoadCommand.class, HostileLoadCommand.class})
public final class LoadgenCommand implements Runnable {

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a load: inference, hostile");
  }
}
