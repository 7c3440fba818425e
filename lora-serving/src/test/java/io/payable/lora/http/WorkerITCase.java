package io.payable.lora.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.lora.batch.SchedulerConfig;
import io.payable.lora.metering.KafkaEventSink;
import io.payable.lora.worker.LoraWorker;
import io.payable.lora.worker.WorkerConfig;
import io.payable.models.ModelConfig;
import io.payable.models.Projection;
import io.payable.models.SyntheticCheckpoints;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import io.payable.wire.inference.SignedInferenceBatch;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

class WorkerITCase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  static final ObjectMapper JSON = new ObjectMapper();
  static final SyntheticCheckpoints.Spec SPEC =
      new SyntheticCheckpoints.Spec(257, 32, 64, 2, 4, 2, 128);

  @TempDir Path dir;

  @Test
  void servesCompletionsAndEmitsSignedEventsToKafka() throws Exception {
    KAFKA.createTopics(2, KafkaEventSink.TOPIC);
    Path base = dir.resolve("base");
    Path adapters = dir.resolve("adapters");
    ModelConfig config = SyntheticCheckpoints.writeBase(base, SPEC, 1);
    for (int i = 0; i < 6; i++) {
      SyntheticCheckpoints.writeAdapter(
          adapters.resolve("ad-" + i),
          config,
          1 + i % 4,
          16,
          java.util.EnumSet.allOf(Projection.class),
          i);
    }
    Files.writeString(adapters.resolve("prices.properties"), "ad-0=7\nad-1=1000000000000\n");
    ECKeyPair key = ECKeyPair.create(BigInteger.valueOf(0xC0FFEEL));
    String address = InferenceEventEnvelope.address(key);
    WorkerConfig cfg =
        WorkerConfig.builder()
            .baseDir(base)
            .adaptersDir(adapters)
            .deviceSlots(3)
            .cpuAdapters(4)
            .maxRank(8)
            .scheduler(SchedulerConfig.builder().maxRunning(8).maxAdaptersPerStep(2).build())
            .defaultPriceWei(BigInteger.valueOf(3))
            .pricesFile(adapters.resolve("prices.properties"))
            .eventBatch(5)
            .eventLinger(Duration.ofMillis(50))
            .servedModelName("tiny-base")
            .build();
    KafkaEventSink sink =
        new KafkaEventSink(
            KAFKA.bootstrapServers(), KafkaEventSink.TOPIC, key, 5, Duration.ofMillis(50));
    Map<String, JsonNode> responses = new HashMap<>();
    try (LoraWorker worker = new LoraWorker(cfg, key, sink);
        WorkerHttpServer http = new WorkerHttpServer(worker, "127.0.0.1", 0, 32)) {
      HttpClient client = HttpClient.newHttpClient();
      String url = "http://127.0.0.1:" + http.port();

      assertThat(post(client, url + "/v1/adapters/ad-5/pin", "").statusCode()).isEqualTo(200);

      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 18; i++) {
        String body =
            JSON.createObjectNode()
                .put("model", "ad-" + (i % 6))
                .put("prompt", "hello " + i)
                .put("max_tokens", 6 + i % 5)
                .put("temperature", i % 2 == 0 ? 0.0 : 0.8)
                .put("seed", 42 + i)
                .put("user", "0x00000000000000000000000000000000000000c" + (i % 10))
                .toString();
        calls.add(
            client.sendAsync(
                HttpRequest.newBuilder(URI.create(url + "/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> c : calls) {
        HttpResponse<String> r = c.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.path("object").asText()).isEqualTo("text_completion");
        assertThat(n.path("usage").path("completion_tokens").asInt()).isPositive();
        responses.put(n.path("id").asText(), n);
      }

      // Same seed, same adapter, same prompt: same text.
      String again =
          JSON.createObjectNode()
              .put("model", "ad-1")
              .put("prompt", "hello 1")
              .put("max_tokens", 7)
              .put("temperature", 0.8)
              .put("seed", 43)
              .toString();
      JsonNode a1 = JSON.readTree(post(client, url + "/v1/completions", again).body());
      JsonNode a2 = JSON.readTree(post(client, url + "/v1/completions", again).body());
      assertThat(a1.at("/choices/0/text").asText()).isEqualTo(a2.at("/choices/0/text").asText());
      responses.put(a1.path("id").asText(), a1);
      responses.put(a2.path("id").asText(), a2);

      HttpResponse<String> unknown =
          post(client, url + "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(post(client, url + "/v1/completions", "not json").statusCode()).isEqualTo(400);

      JsonNode models = JSON.readTree(get(client, url + "/v1/models").body());
      assertThat(models.path("data")).hasSize(7);
      JsonNode pinned = null;
      for (JsonNode m : models.path("data")) {
        if (m.path("id").asText().equals("ad-5")) {
          pinned = m;
        }
      }
      assertThat(pinned.path("residency").asText()).isEqualTo("device");
      assertThat(pinned.path("pinned").asBoolean()).isTrue();

      String metrics = get(client, url + "/metrics").body();
      assertThat(metrics)
          .contains("payable_lora_cache_device_hits_total")
          .contains(
              "payable_lora_adapter_resident{adapter=\"ad-5\",tier=\"device\",pinned=\"true\"} 1")
          .contains("payable_lora_requests_completed_total 20");
      assertThat(post(client, url + "/v1/adapters/ad-5/unload", "").statusCode()).isEqualTo(409);
      assertThat(post(client, url + "/v1/adapters/ad-5/unpin", "").statusCode()).isEqualTo(200);
      worker.sink().flush();
    }

    // Every completion arrives in Kafka, signed by the worker key and decodable by the reader.
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, InferenceEvent> events = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(KafkaEventSink.TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (events.size() < responses.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          assertThat(new String(r.key())).isEqualTo(address);
          SignedInferenceBatch batch = InferenceEventEnvelope.verify(r.value(), Set.of(address));
          assertThat(batch.signer()).isEqualTo(address);
          for (InferenceEvent e : batch.events()) {
            assertThat(events.put(e.eventId(), e)).isNull();
          }
        }
      }
    }
    assertThat(events.keySet()).isEqualTo(responses.keySet());
    for (InferenceEvent e : events.values()) {
      JsonNode r = responses.get(e.eventId());
      assertThat(e.outputText()).isEqualTo(r.at("/choices/0/text").asText());
      assertThat(e.outputTokens()).isEqualTo(r.at("/usage/completion_tokens").asInt());
      assertThat(e.modelId()).isEqualTo("tiny-base");
      BigInteger price =
          switch (e.adapterId()) {
            case "ad-0" -> BigInteger.valueOf(7);
            case "ad-1" -> new BigInteger("1000000000000");
            default -> BigInteger.valueOf(3);
          };
      assertThat(e.priceWei()).isEqualTo(price);
      assertThat(e.feeWei()).isEqualTo(price.multiply(BigInteger.valueOf(e.outputTokens())));
      assertThat(e.feeWei().toString()).isEqualTo(r.at("/payable/fee_wei").asText());
      assertThat(e.firstTokenTime()).isBetween(e.requestTime(), e.doneTime());
    }
  }

  static HttpResponse<String> post(HttpClient c, String url, String body) throws Exception {
    return c.send(
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(HttpClient c, String url) throws Exception {
    return c.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
