package io.payable.up.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.http.WorkerHttpServer;
import io.payable.lora.metering.KafkaEventSink;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.WorkerConfig;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.SyntheticCheckpoints;
import io.payable.up.PlatformTopics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/**
 * A LoRA serving worker on 127.0.0.1 with one small synthetic adapter per registered adapter name,
 * signing its inference events with the registered worker key. Its tiny model writes no real
 * language, so its outputs match nothing and their data pool goes to the Datanet treasuries.
 */
final class DemoWorker implements AutoCloseable {

  /** A tiny random Llama checkpoint with a byte-level tokenizer, in Hugging Face layout. */
  static final SyntheticCheckpoints.Spec MODEL =
      new SyntheticCheckpoints.Spec(SyntheticCheckpoints.TOKENIZER_VOCAB, 32, 64, 2, 4, 2, 128);

  static final String MODEL_ID = "tiny-base";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoraWorker worker;
  private final WorkerHttpServer http;
  private final Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  private DemoWorker(LoraWorker worker, WorkerHttpServer http, Path dir) {
    this.worker = worker;
    this.http = http;
    this.dir = dir;
  }

  static DemoWorker start(Path dir, DemoChain chain, String bootstrap, List<String> adapters)
      throws IOException {
    Path base = dir.resolve("bases").resolve(MODEL_ID);
    Path adapterDir = dir.resolve("adapters");
    ModelConfig model = SyntheticCheckpoints.writeBase(base, MODEL, 1);
    for (int i = 0; i < adapters.size(); i++) {
      SyntheticCheckpoints.writeAdapter(
          adapterDir.resolve(adapters.get(i)),
          model,
          4,
          8,
          EnumSet.allOf(Projection.class),
          10 + i);
    }
    WorkerConfig config =
        WorkerConfig.builder()
            .baseDir(base)
            .adaptersDir(adapterDir)
            .deviceSlots(2)
            .cpuAdapters(4)
            .maxRank(8)
            .scheduler(SchedulerConfig.builder().maxRunning(8).maxAdaptersPerStep(2).build())
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
      return new DemoWorker(worker, new WorkerHttpServer(worker, "127.0.0.1", 0, 4), dir);
    } catch (IOException | RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  /** The directory holding the base model's directory, named {@link #MODEL_ID}. */
  Path basesDir() {
    return dir.resolve("bases");
  }

  /** The adapter store the worker loads adapters from. */
  Path adaptersDir() {
    return dir.resolve("adapters");
  }

  String url() {
    return "http://127.0.0.1:" + http.port();
  }

  /** One completion over HTTP, as a client would request it; returns the HTTP status. */
  int complete(String adapter, String prompt, String consumer) throws Exception {
    String body =
        JSON.createObjectNode()
            .put("model", adapter)
            .put("prompt", prompt)
            .put("max_tokens", 12)
            .put("temperature", 0.0)
            .put("user", consumer)
            .toString();
    return client
        .send(
            HttpRequest.newBuilder(URI.create(url() + "/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Override
  public void close() throws Exception {
    http.close();
    worker.close();
  }
}
