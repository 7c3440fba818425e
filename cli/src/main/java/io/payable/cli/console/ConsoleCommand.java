package io.payable.cli.console;

import io.payable.console.ConsoleConfig;
import io.payable.console.ConsoleServer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code payable console}: serves the web Console until Ctrl-C. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the web Console: Datanets and contributing with a browser wallet, the trace of an"
          + " inference, payouts and claims, ModelFactory and consumers.",
      "Binds 127.0.0.1 unless --host says otherwise; runs until Ctrl-C."
    })
public final class ConsoleCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--warehouse",
      required = true,
      description = "Iceberg warehouse of the jobs (file:// or a Hadoop URI).")
  String warehouse;

  @Option(names = "--rpc", required = true, description = "JSON-RPC endpoint of the chain.")
  String rpc;

  @Option(names = "--deployment", required = true, description = "Deployment file (JSON).")
  Path deployment;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--worker-url",
      description =
          "A LoRA worker's base URL, for the chat playground (e.g. http://127.0.0.1:8000).")
  String workerUrl;

  @Option(
      names = "--model-factory-url",
      description = "The ModelFactory HTTP API's base URL, for the ModelFactory page.")
  String modelFactoryUrl;

  @Option(
      names = "--playground-key-file",
      description =
          "A file holding the private key (hex) of a consumer with a deposit in ConsumerEscrow:"
              + " the chat playground pays the worker with vouchers signed by it.")
  Path playgroundKeyFile;

  @Option(
      names = "--playground-channel-file",
      description =
          "Where the playground consumer's charged and signed totals are kept across restarts, so"
              + " that its vouchers continue where they were (default: not kept; a restarted"
              + " Console then starts from what the escrow has redeemed).")
  Path playgroundChannelFile;

  @Option(
      names = "--host",
      defaultValue = ConsoleConfig.DEFAULT_HOST,
      description = "Interface to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8088",
      description = "Port to bind; 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(deployment)) {
      err.println("error: no deployment file " + deployment);
      return 2;
    }
    String playgroundKey = null;
    if (playgroundKeyFile != null) {
      if (!Files.isRegularFile(playgroundKeyFile)) {
        err.println("error: no playground key file " + playgroundKeyFile);
        return 2;
      }
      playgroundKey = Files.readString(playgroundKeyFile).strip();
    }
    ConsoleConfig config;
    try {
      config =
          ConsoleConfig.builder()
              .host(host)
              .port(port)
              .warehouse(warehouse)
              .rpcUrl(rpc)
              .deploymentJson(Files.readString(deployment))
              .bootstrapServers(bootstrapServers)
              .workerUrl(workerUrl)
              .modelFactoryUrl(modelFactoryUrl)
              .playgroundConsumerKey(playgroundKey)
              .playgroundChannelFile(playgroundChannelFile)
              .build();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    ConsoleServer console;
    try {
      console = ConsoleServer.start(config);
    } catch (java.io.IOException | UncheckedIOException | IllegalArgumentException e) {
      err.println("error: could not start the Console on " + host + ":" + port + ": " + e);
      if (verbose) {
        e.printStackTrace(err);
      }
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (console) {
      out.println("Payable Console: " + console.url());
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
