package io.payable.factory.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.factory.FactoryException;
import io.payable.factory.LocalFactories;
import io.payable.factory.Tables;
import io.payable.factory.run.RunListener;
import io.payable.factory.run.TrainingOutcome;
import io.payable.factory.run.TrainingSpec;
import io.payable.lora.http.WorkerHttpServer;
import io.payable.lora.metering.MemoryEventSink;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.WorkerConfig;
import io.payable.models.SyntheticCheckpoints;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * A trained adapter published to a running LoRA worker: copied into its adapter store and loaded
 * through {@code /v1/load_lora_adapter}, then served, without a restart; a wrong base or a changed
 * adapter is refused before anything is copied.
 */
class AdapterPublisherITCase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAW = "0x" + "1a".repeat(32);
  private static final SyntheticCheckpoints.Spec SPEC =
      new SyntheticCheckpoints.Spec(SyntheticCheckpoints.TOKENIZER_VOCAB, 32, 64, 2, 4, 2, 128);

  @Test
  void aPublishedAdapterIsServedByARunningWorker(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("base");
    SyntheticCheckpoints.writeBase(base, SPEC, 1);
    Path otherBase = dir.resolve("other-base");
    SyntheticCheckpoints.writeBase(otherBase, SPEC, 2);
    TrainingOutcome trained;
    try (LocalIcebergWarehouse wh = LocalIcebergWarehouse.open(dir.resolve("wh"))) {
      List<Tables.Row> rows = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        rows.add(
            new Tables.Row(
                "0x0" + i,
                LAW,
                "0x" + "c1".repeat(20),
                "0x" + ("0" + i).repeat(32),
                "Article " + i + ": the parties agree to resolve disputes by arbitration."));
      }
      Tables.appendContributions(wh.catalog(), rows);
      trained =
          LocalFactories.of(wh.catalog(), dir.resolve("runs"))
              .train(
                  TrainingSpec.builder()
                      .base(base)
                      .datanets(List.of(LAW))
                      .name("arbitration-v1")
                      .rank(4)
                      .steps(2)
                      .lr(1e-2)
                      .batch(2)
                      .seqLen(32)
                      .seed(9L)
                      .evalFraction(0.0)
                      .checkpointEvery(0)
                      .build()
                      .toRequest(),
                  RunListener.none(),
                  () -> false);
    }
    Path store = Files.createDirectories(dir.resolve("store"));
    WorkerConfig cfg =
        WorkerConfig.builder()
            .baseDir(base)
            .adaptersDir(store)
            .deviceSlots(1)
            .cpuAdapters(2)
            .maxRank(8)
            .build();
    try (LoraWorker worker =
            new LoraWorker(cfg, ECKeyPair.create(BigInteger.valueOf(7)), new MemoryEventSink());
        WorkerHttpServer http = new WorkerHttpServer(worker, "127.0.0.1", 0, 4)) {
      URI url = URI.create("http://127.0.0.1:" + http.port());
      AdapterPublisher publisher = new AdapterPublisher();

      assertThatThrownBy(
              () ->
                  publisher.publish(
                      trained.adapterDir(), store, Optional.of(otherBase), List.of(url)))
          .isInstanceOfSatisfying(
              FactoryException.class, e -> assertThat(e.reason()).isEqualTo("base_mismatch"));
      try (var left = Files.list(store)) {
        assertThat(left).isEmpty();
      }

      AdapterPublisher.Publication p =
          publisher.publish(trained.adapterDir(), store, Optional.of(base), List.of(url));
      assertThat(p.workers())
          .singleElement()
          .satisfies(a -> assertThat(a.ok()).as(a.body()).isTrue());
      assertThat(p.storedAt()).isEqualTo(store.resolve("arbitration-v1"));
      assertThat(Files.readAllBytes(p.storedAt().resolve("adapter_model.safetensors")))
          .isEqualTo(Files.readAllBytes(trained.adapterDir().resolve("adapter_model.safetensors")));

      HttpClient client = HttpClient.newHttpClient();
      JsonNode models =
          JSON.readTree(
              client
                  .send(
                      HttpRequest.newBuilder(url.resolve("/v1/models")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      List<String> ids = new ArrayList<>();
      models.get("data").forEach(m -> ids.add(m.get("id").asText()));
      assertThat(ids).contains("arbitration-v1");
      HttpResponse<String> completion =
          client.send(
              HttpRequest.newBuilder(url.resolve("/v1/completions"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"arbitration-v1\",\"prompt\":\"Article 1:\",\"max_tokens\":4,\"temperature\":0}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);

      // The worker serves the logits of the models/ reader for the adapter ModelFactory wrote.
      int[] prompt = {1, 20, 31, 42, 53};
      JsonNode served =
          JSON.readTree(
              client
                  .send(
                      HttpRequest.newBuilder(url.resolve("/v1/completions"))
                          .header("Content-Type", "application/json")
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"model\":\"arbitration-v1\",\"prompt\":"
                                      + java.util.Arrays.toString(prompt)
                                      + ",\"max_tokens\":4,\"temperature\":0,\"logprobs\":1}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      JsonNode servedLogprobs = served.at("/choices/0/logprobs/token_logprobs");
      assertThat(servedLogprobs).as(served.toString()).hasSize(4);
      double[] reader = greedyLogprobs(base, trained.adapterDir(), prompt, 4);
      for (int i = 0; i < reader.length; i++) {
        assertThat(servedLogprobs.get(i).asDouble())
            .as("logprob of generated token %d", i)
            .isCloseTo(reader[i], org.assertj.core.api.Assertions.within(1e-4));
      }

      // A changed adapter is not the one its manifest (and the chain) describe.
      Path weights = trained.adapterDir().resolve("adapter_model.safetensors");
      byte[] bytes = Files.readAllBytes(weights);
      bytes[bytes.length - 1] ^= 1;
      Files.write(weights, bytes);
      assertThatThrownBy(
              () -> publisher.publish(trained.adapterDir(), store, Optional.empty(), List.of()))
          .isInstanceOfSatisfying(
              FactoryException.class, e -> assertThat(e.reason()).isEqualTo("artifact_changed"));
    }
  }

  /**
   * The models/ reader's greedy continuation of {@code prompt} with the adapter in {@code dir}: the
   * log-probability of each chosen token.
   */
  private static double[] greedyLogprobs(Path base, Path dir, int[] prompt, int n) {
    io.payable.models.ModelConfig config = io.payable.models.ModelConfig.read(base);
    io.payable.models.PeftAdapter adapter = io.payable.models.PeftAdapter.read(dir, config);
    double[] out = new double[n];
    try (ai.djl.ndarray.NDManager m = io.payable.models.Engines.newManager(ai.djl.Device.cpu());
        io.payable.models.CausalLm lm =
            io.payable.models.CausalLm.load(
                base, m, io.payable.models.LoadOptions.cpu(1, adapter.rank()));
        io.payable.models.Sequence seq = lm.newSequence()) {
      lm.writeSlot(0, adapter);
      int[] next = prompt;
      for (int i = 0; i < n; i++) {
        float[] logits = lm.forward(List.of(new io.payable.models.Segment(seq, next, 0)), false)[0];
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < logits.length; v++) {
          if (logits[v] > max) {
            max = logits[v];
            best = v;
          }
        }
        double sum = 0;
        for (float l : logits) {
          sum += Math.exp(l - max);
        }
        out[i] = logits[best] - max - Math.log(sum);
        next = new int[] {best};
      }
    }
    return out;
  }
}
