package io.payable.cli.models;

import io.payable.factory.chain.DatanetGate;
import io.payable.factory.http.TrainingHttpServer;
import io.payable.factory.http.TrainingService;
import io.payable.factory.run.AdapterTrainer;
import io.payable.factory.run.ModelFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code payable models api}: the training HTTP API the Console uses. */
@Command(
    name = "api",
    mixinStandardHelpOptions = true,
    description = "Serve the ModelFactory HTTP API (/v1/trainings).")
public final class ModelsApiCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind.")
  String host;

  @Option(names = "--port", defaultValue = "8090", description = "Port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bases", required = true, description = "Directory of base model directories.")
  Path bases;

  @Option(names = "--runs", defaultValue = "model-runs", description = "Runs directory.")
  Path runs;

  @Option(
      names = "--store",
      description =
          "Adapter store of the workers (`payable serve --adapters`); enables publishing a"
              + " completed run (POST /v1/trainings/{id}/publish).")
  Path store;

  @Option(
      names = "--worker",
      description = "Worker base URL to load published adapters on; repeatable.")
  List<URI> workers = List.of();

  @Mixin WarehouseOptions warehouse;

  @Mixin ChainOptions chain;

  @Override
  public Integer call() throws Exception {
    ChainOptions.Connection c = chain.configured() ? chain.connect(true) : null;
    ModelFactory factory =
        new ModelFactory(
            warehouse.catalog(),
            runs,
            AdapterTrainer.lora(),
            c == null ? DatanetGate.none() : c.gate(),
            Optional.ofNullable(c).map(ChainOptions.Connection::registry));
    CountDownLatch stop = new CountDownLatch(1);
    try (TrainingService service = new TrainingService(factory);
        TrainingHttpServer http =
            TrainingHttpServer.start(
                host,
                port,
                service,
                bases,
                Optional.ofNullable(store)
                    .map(s -> new TrainingHttpServer.Publishing(s, workers)))) {
      spec.commandLine()
          .getOut()
          .printf("ModelFactory API on http://%s:%d/v1/trainings%n", host, http.port());
      spec.commandLine().getOut().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    } finally {
      if (c != null) {
        c.close();
      }
    }
    return 0;
  }
}
