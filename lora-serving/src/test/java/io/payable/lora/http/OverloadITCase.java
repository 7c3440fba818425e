package io.payable.lora.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.lora.batch.SchedulerConfig;
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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** A full queue answers 429 with Retry-After in OpenAI's error JSON; admitted requests finish. */
class OverloadITCase {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aFullQueueAnswers429WithRetryAfter() throws Exception {
    SyntheticCheckpoints.writeBase(
        dir.resolve("base"), new SyntheticCheckpoints.Spec(257, 32, 64, 2, 4, 2, 256), 1);
    Files.createDirectories(dir.resolve("adapters"));
    WorkerConfig cfg =
        WorkerConfig.builder()
            .baseDir(dir.resolve("base"))
            .adaptersDir(dir.resolve("adapters"))
            .deviceSlots(1)
            .cpuAdapters(2)
            .maxRank(4)
            .scheduler(SchedulerConfig.builder().maxRunning(1).maxWaiting(1).build())
            .build();
    try (LoraWorker worker =
            new LoraWorker(cfg, ECKeyPair.create(BigInteger.valueOf(7)), new MemoryEventSink());
        WorkerHttpServer http = new WorkerHttpServer(worker, "127.0.0.1", 0, 16)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String body =
          JSON.createObjectNode()
              .put("model", "base")
              .put("prompt", "overload")
              .put("max_tokens", 100)
              .put("temperature", 0)
              .toString();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(
            client.sendAsync(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> c : calls) {
        HttpResponse<String> r = c.get();
        if (r.statusCode() == 200) {
          ok++;
          continue;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        JsonNode e = JSON.readTree(r.body()).path("error");
        assertThat(e.path("type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.path("message").asText()).contains("queue full");
        refused++;
      }
      // One runs and one waits at most at a time; requests arriving meanwhile are refused.
      assertThat(ok).isBetween(1, 7);
      assertThat(refused).isEqualTo(8 - ok).isPositive();
    }
  }
}
