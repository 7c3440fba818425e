package io.payable.up;

import io.payable.cli.CliLogging;
import io.payable.cli.DurationConverter;
import io.payable.console.ConsoleConfig;
import io.payable.console.ConsoleServer;
import io.payable.up.demo.CycleReport;
import io.payable.up.demo.DemoCycle;
import io.payable.up.demo.DemoPlan;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
      description =
          "Stop this long after set-up (e.g. 20s, 2min); the demo's set-up includes training its"
              + " adapters. Default: run until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--data-dir",
      description =
          "Keep the platform here (Kafka log, chain state, warehouse, index store, models, job"
              + " checkpoints); a later run with the same directory resumes it. Default: a"
              + " temporary directory deleted on exit.")
  Path dataDir;

  @Option(
      names = "--demo",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Run the demo cycle: contracts, Datanets, contributions, the three jobs, a LoRA worker"
              + " and traffic, then payouts and a claim (default: ${DEFAULT-VALUE}).")
  boolean demo;

  @Option(
      names = "--epoch",
      converter = DurationConverter.class,
      defaultValue = "15s",
      description = "Settlement epoch length of the demo chain (default: ${DEFAULT-VALUE}).")
  Duration epoch;

  @Option(
      names = "--base",
      description =
          "Base model of the demo's adapters (Hugging Face layout). Default: a small Llama with"
              + " random weights and the llama2 tokenizer, written into the data directory.")
  Path base;

  @Option(
      names = "--slots",
      defaultValue = "4",
      description = "Task slots of the Flink MiniCluster (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(
      names = "--console-port",
      defaultValue = "8088",
      description =
          "Port of the web Console on 127.0.0.1; any free port when taken (default:"
              + " ${DEFAULT-VALUE}).")
  int consolePort;

  /**
   * The log under the data directory; a run on a temporary directory logs next to it, so that the
   * log outlives the directory.
   */
  private Path logFile() {
    if (dataDir != null) {
      return dataDir.toAbsolutePath().resolve("logs").resolve("payable.log");
    }
    String stamp =
        java.time.LocalDateTime.now().withNano(0).toString().replace(":", "").replace("-", "");
    return Path.of(System.getProperty("java.io.tmpdir"), "payable-logs", "up-" + stamp + ".log");
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path logFile = logFile();
    Files.createDirectories(logFile.getParent());
    boolean logging = CliLogging.toFile(logFile);
    CountDownLatch stopped = new CountDownLatch(1);
    EmbeddedStack stack = EmbeddedStack.start(dataDir, slots);
    DemoCycle cycle = demo ? new DemoCycle(stack, out, DemoPlan.defaults(epoch), base) : null;
    // Ctrl-C (or SIGTERM) ends the run in this thread, while the JVM is whole: the cycle's payouts
    // and claim need the chain, Kafka and the warehouse, which shutdown hooks start closing. A
    // second Ctrl-C exits at once. The hook only stops the stack if the JVM goes another way.
    AtomicBoolean closed = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              if (closed.compareAndSet(false, true)) {
                stack.close();
              }
            },
            "payable-up-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> {
              if (stopped.getCount() == 0) {
                System.exit(130);
              }
              stopped.countDown();
              if (cycle != null) {
                cycle.stop();
              }
            });
      } catch (IllegalArgumentException unsupported) {
        // This JVM does not let us handle the signal: the hook still stops the stack.
      }
    }

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
    if (logging) {
      out.println("  Log                     : " + logFile);
    }
    out.println(
        duration == null
            ? "Press Ctrl-C to stop."
            : "Stopping " + duration.toSeconds() + "s after set-up.");
    out.flush();

    ConsoleServer console = null;
    if (cycle != null) {
      try {
        cycle.start();
      } catch (java.util.concurrent.CancellationException interrupted) {
        out.println();
        out.println("Stopped during set-up (training checkpoints are kept).");
        out.flush();
        cycle.close();
        if (closed.compareAndSet(false, true)) {
          stack.close();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        return 130;
      }
      console = startConsole(stack, cycle);
      out.println("  Console                 : " + console.url());
    } else {
      out.println("  Console                 : not started (--no-demo deploys no contracts)");
    }
    out.flush();
    // --duration counts from here: the platform serves and settles for that long once it is set
    // up (training the demo's adapters takes longer on a busy machine than on an idle one).
    long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < deadline) {
      if (stopped.await(
          Math.min(5_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
          TimeUnit.MILLISECONDS)) {
        out.println("Stopping.");
        break;
      }
      if (cycle != null && System.nanoTime() < deadline) {
        out.println("[" + java.time.LocalTime.now().withNano(0) + "] " + cycle.summary());
        out.flush();
      }
    }
    if (console != null) {
      console.close();
    }
    CycleReport report = finish(cycle, out);
    if (closed.compareAndSet(false, true)) {
      stack.close();
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    out.println("Payable stopped.");
    out.flush();
    return report == null || report.rpcUrl() != null ? 0 : 1;
  }

  /** The Console over the demo's stack, on --console-port or, when that is taken, any port. */
  private ConsoleServer startConsole(EmbeddedStack stack, DemoCycle cycle) throws Exception {
    ConsoleConfig.Builder config = consoleConfig(stack, cycle);
    try {
      return ConsoleServer.start(config.port(consolePort).build());
    } catch (BindException taken) {
      return ConsoleServer.start(config.port(0).build());
    }
  }

  /**
   * The Console's configuration over the demo's stack (after {@link DemoCycle#start}): its tables,
   * chain, topics, worker and ModelFactory, and the playground consumer with its payment channel
   * kept under the data directory.
   */
  static ConsoleConfig.Builder consoleConfig(EmbeddedStack stack, DemoCycle cycle)
      throws java.io.IOException {
    return ConsoleConfig.builder()
        .warehouse(stack.warehouse().location())
        .rpcUrl(stack.chain().rpcUrl())
        .deploymentJson(Files.readString(cycle.deploymentFile()))
        .bootstrapServers(stack.kafka().bootstrapServers())
        .workerUrl(cycle.workerUrl())
        .modelFactoryUrl(cycle.modelFactoryUrl())
        .playgroundConsumerKey(cycle.playgroundConsumerKey())
        .playgroundChannelFile(cycle.playgroundChannelFile());
  }

  private static CycleReport finish(DemoCycle cycle, PrintWriter out) {
    if (cycle == null) {
      return null;
    }
    try (cycle) {
      out.println("Final: " + cycle.summary());
      CycleReport report = cycle.finish();
      out.println(
          report.fullCycle()
              ? "Full cycle: contributions -> shards -> inference -> attribution -> settlement ->"
                  + " claim."
              : "The cycle did not complete in time (no claim yet): run with a longer --duration.");
      out.flush();
      return report;
    } catch (Exception e) {
      out.println("Demo cycle failed: " + e);
      out.flush();
      return new CycleReport(
          0,
          0,
          0,
          0,
          java.util.OptionalLong.empty(),
          java.math.BigInteger.ZERO,
          null,
          java.math.BigInteger.ZERO,
          "",
          "");
    }
  }
}
