package io.payable.up.demo;

import io.payable.factory.chain.AdapterRegistry;
import io.payable.factory.chain.DatanetGate;
import io.payable.factory.http.TrainingHttpServer;
import io.payable.factory.http.TrainingService;
import io.payable.factory.run.AdapterTrainer;
import io.payable.factory.run.ModelFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.catalog.Catalog;

/**
 * The ModelFactory HTTP API ({@code payable models api}) over the demo: it trains on the demo's
 * Datanets from the demo worker's base model, registers what it trains in ModelRegistry as the
 * demo's adapter owner, and publishes to the demo worker's adapter store and worker. It trains only
 * when asked (from the Console's ModelFactory page).
 */
final class DemoModelFactory implements AutoCloseable {

  private final TrainingService service;
  private final TrainingHttpServer http;

  private DemoModelFactory(TrainingService service, TrainingHttpServer http) {
    this.service = service;
    this.http = http;
  }

  /**
   * @param basesDir the directory holding the base model's directory (named as the model's id)
   */
  static DemoModelFactory start(
      Catalog catalog, Path runs, DemoChain chain, Path basesDir, DemoWorker worker)
      throws IOException {
    ModelFactory factory =
        new ModelFactory(
            catalog,
            runs,
            AdapterTrainer.lora(),
            DatanetGate.of(chain.datanets(DemoChain.ADAPTER_OWNER)),
            Optional.of(new AdapterRegistry(chain.models(DemoChain.ADAPTER_OWNER))));
    TrainingService service = new TrainingService(factory);
    try {
      return new DemoModelFactory(
          service,
          TrainingHttpServer.start(
              "127.0.0.1",
              0,
              service,
              basesDir,
              Optional.of(
                  new TrainingHttpServer.Publishing(
                      worker.adapterStore(), List.of(URI.create(worker.url()))))));
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
  }

  String url() {
    return "http://127.0.0.1:" + http.port();
  }

  @Override
  public void close() {
    http.close();
    service.close();
  }
}
