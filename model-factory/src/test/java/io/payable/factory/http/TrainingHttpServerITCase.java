package io.payable.factory.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.factory.LocalFactories;
import io.payable.factory.Tables;
import io.payable.factory.run.ModelFactory;
import io.payable.factory.tables.TrainingTables;
import io.payable.models.SyntheticCheckpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Console's API over real HTTP, with real runs of the trainer on a tiny model. */
class TrainingHttpServerITCase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAW = "0x" + "1a".repeat(32);
  private static final String EMPTY = "0x" + "2b".repeat(32);

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void createPollListAndCancelTrainings(@TempDir Path dir) throws Exception {
    SyntheticCheckpoints.writeBase(
        dir.resolve("bases/tiny"),
        new SyntheticCheckpoints.Spec(SyntheticCheckpoints.TOKENIZER_VOCAB, 16, 32, 1, 2, 1, 64),
        1);
    try (LocalIcebergWarehouse wh = LocalIcebergWarehouse.open(dir.resolve("wh"))) {
      List<Tables.Row> rows = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        rows.add(
            new Tables.Row(
                "0x0" + i,
                LAW,
                "0x" + "c1".repeat(20),
                "0x" + ("0" + i).repeat(32),
                "Clause " + i + " of the lease: rent is due on the first day of the month."));
      }
      Tables.appendContributions(wh.catalog(), rows);
      ModelFactory factory = LocalFactories.of(wh.catalog(), dir.resolve("runs"));
      try (TrainingService service = new TrainingService(factory);
          TrainingHttpServer server =
              TrainingHttpServer.start(
                  "127.0.0.1",
                  0,
                  service,
                  dir.resolve("bases"),
                  Optional.of(
                      new TrainingHttpServer.Publishing(
                          Files.createDirectories(dir.resolve("store")), List.of())))) {
        String url = "http://127.0.0.1:" + server.port() + "/v1/trainings";

        JsonNode badRank =
            post(url, "{\"base\":\"tiny\",\"datanets\":[\"" + LAW + "\"],\"rank\":0}", 400);
        assertThat(badRank.at("/error/code").asText()).isEqualTo("bad_hyperparameter");
        assertThat(badRank.at("/error/message").asText()).contains("rank");
        JsonNode escape =
            post(url, "{\"base\":\"../bases/tiny\",\"datanets\":[\"" + LAW + "\"]}", 400);
        assertThat(escape.at("/error/code").asText()).isEqualTo("no_base");
        JsonNode unknownField =
            post(url, "{\"base\":\"tiny\",\"datanets\":[\"" + LAW + "\"],\"rnak\":4}", 400);
        assertThat(unknownField.at("/error/code").asText()).isEqualTo("bad_request");

        JsonNode created =
            post(
                url,
                "{\"base\":\"tiny\",\"datanets\":[\""
                    + LAW
                    + "\"],\"name\":\"lease-v1\",\"rank\":2,"
                    + "\"steps\":3,\"batch\":2,\"seq_len\":32,\"seed\":5,\"eval_fraction\":0.25,"
                    + "\"checkpoint_every\":0}",
                201);
        String id = created.get("id").asText();
        JsonNode done = await(url + "/" + id, "completed");
        assertThat(done.get("step").asInt()).isEqualTo(3);
        assertThat(done.get("total_steps").asInt()).isEqualTo(3);
        assertThat(done.get("loss_curve")).hasSize(3);
        assertThat(done.get("eval_curve")).isNotEmpty();
        assertThat(done.at("/result/adapter_name").asText()).isEqualTo("lease-v1");
        assertThat(done.at("/result/training_set_count").asInt()).isEqualTo(3);
        String artifact = done.at("/result/artifact_sha256").asText();
        assertThat(
                new TrainingTables(wh.catalog())
                    .training("lease-v1")
                    .orElseThrow()
                    .artifactSha256())
            .isEqualTo(artifact);
        assertThat(
                Files.isRegularFile(
                    dir.resolve("runs").resolve(id).resolve("adapter/training-manifest.json")))
            .isTrue();

        // Publishing copies the run's adapter into the server's store, under its name.
        JsonNode published = post(url + "/" + id + "/publish", "", 200);
        assertThat(published.get("adapter_name").asText()).isEqualTo("lease-v1");
        assertThat(Files.readAllBytes(dir.resolve("store/lease-v1/adapter_model.safetensors")))
            .isEqualTo(
                Files.readAllBytes(
                    dir.resolve("runs").resolve(id).resolve("adapter/adapter_model.safetensors")));
        assertThat(post(url + "/run-nope/publish", "", 404).at("/error/code").asText())
            .isEqualTo("unknown_run");

        JsonNode empty =
            post(
                url,
                "{\"base\":\"tiny\",\"datanets\":[\"" + EMPTY + "\"],\"steps\":2,\"seq_len\":32}",
                201);
        JsonNode failed = await(url + "/" + empty.get("id").asText(), "failed");
        assertThat(failed.at("/error/code").asText()).isEqualTo("empty_dataset");
        assertThat(
                post(url + "/" + empty.get("id").asText() + "/publish", "", 409)
                    .at("/error/code")
                    .asText())
            .isEqualTo("not_completed");

        JsonNode longRun =
            post(
                url,
                "{\"base\":\"tiny\",\"datanets\":[\""
                    + LAW
                    + "\"],\"steps\":100000,\"batch\":1,"
                    + "\"seq_len\":32,\"checkpoint_every\":0}",
                201);
        String longId = longRun.get("id").asText();
        await(url + "/" + longId, "training");
        HttpResponse<String> cancel =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/" + longId)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonNode cancelled = await(url + "/" + longId, "cancelled");
        assertThat(cancelled.get("step").asInt()).isLessThan(100000);
        assertThat(new TrainingTables(wh.catalog()).trainings()).hasSize(1);

        JsonNode list = get(url, 200);
        assertThat(list.get("data")).hasSize(3);
        assertThat(list.get("data").get(0).get("id").asText()).isEqualTo(id);
        assertThat(get(url + "/run-nope", 404).at("/error/code").asText()).isEqualTo("unknown_run");
        HttpResponse<String> deleteUnknown =
            http.send(
                HttpRequest.newBuilder(URI.create(url + "/run-nope")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleteUnknown.statusCode()).isEqualTo(404);
      }
    }
  }

  private JsonNode await(String url, String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = get(url, 200);
      if (last.get("status").asText().equals(status)) {
        return last;
      }
      if (!status.equals("failed") && last.get("status").asText().equals("failed")) {
        throw new AssertionError("run failed: " + last);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no status " + status + " after 90 s: " + last);
  }

  private JsonNode get(String url, int expected) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
    return JSON.readTree(r.body());
  }

  private JsonNode post(String url, String body, int expected) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
    return JSON.readTree(r.body());
  }
}
