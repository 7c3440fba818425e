package io.payable.up;

import io.payable.cli.DurationConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable up}: runs the platform on embedded defaults until Ctrl-C or {@code --duration}.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start the platform on embedded defaults: a Kafka broker, an anvil chain, an Iceberg"
          + " warehouse and a Flink MiniCluster, all on 127.0.0.1.",
      "Runs until Ctrl-C, or for --duration."
    })
public final class UpCommand implements java.util.concurrent.Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long (e.g. 20s, 5min). Default: run until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--data-dir",
      description =
          "Keep the warehouse, index store and chain state here. Default: a temporary directory"
              + " deleted on exit.")
  Path dataDir;

  @Option(
      names = "--slots",
      defaultValue = "4",
      description = "Task slots of the Flink MiniCluster (default: ${DEFAULT-VALUE}).")
  int slots;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    EmbeddedStack stack = EmbeddedStack.start(dataDir, slots);
    // Ctrl-C starts JVM shutdown; the hook stops the stack before the JVM goes.
    Thread hook =
        new Thread(
            () -> {
              stack.close();
              stopped.countDown();
            },
            "payable-up-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    out.println("Payable is up.");
    out.println("  Kafka bootstrap servers : " + stack.kafka().bootstrapServers());
    out.println(
        "  Chain RPC (anvil)       : "
            + stack.chain().rpcUrl()
            + " (chain id "
            + stack.chain().chainId()
            + ")");
    out.println("  Iceberg warehouse       : " + stack.warehouse().location());
    out.println("  Index store             : " + stack.indexStore().toUri());
    out.println("  Flink REST              : " + stack.flink().restAddress());
    out.println("  Topics                  : " + String.join(", ", PlatformTopics.ALL));
    out.println(
        duration == null
            ? "Press Ctrl-C to stop."
            : "Stopping after " + duration.toSeconds() + "s.");
    out.flush();

    if (duration == null) {
      stopped.await();
      return 0;
    }
    boolean interrupted = stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    if (!interrupted) {
      Runtime.getRuntime().removeShutdownHook(hook);
      stack.close();
      out.println("Payable stopped.");
      out.flush();
    }
    return 0;
  }
}
