package io.payable.up.demo;

import io.payable.contracts.chain.ChainClient;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.http.WorkerHttpServer;
import io.payable.lora.metering.KafkaEventSink;
import io.payable.lora.payment.ChainPayments;
import io.payable.lora.payment.PaymentGate;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.WorkerConfig;
import io.payable.up.PlatformTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo's LoRA serving worker on 127.0.0.1: the base model, the adapters published to its store
 * as they are trained, requests served only against a voucher backed by a ConsumerEscrow deposit,
 * and every served completion metered as an inference event signed with the registered worker key.
 */
final class DemoWorker implements AutoCloseable {

  /** The name the worker serves its base model under. */
  static final String MODEL_ID = "demo-base";

  private final LoraWorker worker;
  private final WorkerHttpServer http;
  private final Path adapterStore;
  private final Path charges;

  private DemoWorker(LoraWorker worker, WorkerHttpServer http, Path adapterStore, Path charges) {
    this.worker = worker;
    this.http = http;
    this.adapterStore = adapterStore;
    this.charges = charges;
  }

  /**
   * @param charges where the worker keeps what it charged each consumer when it stops, and takes it
   *     up again when it starts (a restart on the same data directory)
   */
  static DemoWorker start(
      Path base, Path adapterStore, DemoChain chain, String bootstrap, Path charges)
      throws IOException {
    Files.createDirectories(adapterStore);
    WorkerConfig config =
        WorkerConfig.builder()
            .baseDir(base)
            .adaptersDir(adapterStore)
            .deviceSlots(4)
            .cpuAdapters(8)
            .maxRank(16)
            .scheduler(SchedulerConfig.builder().maxRunning(8).maxAdaptersPerStep(4).build())
            .defaultPriceWei(DemoChain.PRICE_WEI)
            .eventBatch(4)
            .eventLinger(Duration.ofMillis(100))
            .servedModelName(MODEL_ID)
            .build();
    var key = chain.credentials(DemoChain.WORKER).getEcKeyPair();
    KafkaEventSink sink =
        new KafkaEventSink(
            bootstrap, PlatformTopics.INFERENCE_EVENTS, key, 4, Duration.ofMillis(100));
    LoraWorker worker = new LoraWorker(config, key, sink);
    try {
      // A short staleness: a consumer's fresh deposit counts within a second.
      PaymentGate gate =
          ChainPayments.gate(
              new ChainClient(chain.web3j, chain.anvil.chainId()),
              chain.deployment,
              Duration.ofSeconds(1));
      WeiTotals.read(charges).forEach(gate::restoreCharged);
      worker.payments(gate);
      return new DemoWorker(
          worker, new WorkerHttpServer(worker, "127.0.0.1", 0, 8), adapterStore, charges);
    } catch (IOException | RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  String url() {
    return "http://127.0.0.1:" + http.port();
  }

  Path adapterStore() {
    return adapterStore;
  }

  @Override
  public void close() throws Exception {
    http.close();
    try {
      // No request is running once the server is closed: these are the final totals.
      WeiTotals.write(charges, worker.payments().chargedByConsumer());
    } finally {
      worker.close();
    }
  }
}
