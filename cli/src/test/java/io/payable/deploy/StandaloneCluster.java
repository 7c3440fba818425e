package io.payable.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local standalone cluster of deploy/local/payable-cluster.sh, driven from a test: the script
 * starts and stops the processes and submits the jobs; this class reads what it wrote (REST port,
 * Kafka bootstrap servers, job ids, pids) and talks to the JobManager's REST API.
 */
final class StandaloneCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Map<String, String> environment;
  private final HttpClient http = HttpClient.newHttpClient();

  StandaloneCluster(Path dir, Map<String, String> environment) {
    this.dir = dir;
    this.environment = environment;
  }

  /** Runs {@code payable-cluster.sh ARGS}; its output goes to script.log in the cluster dir. */
  void script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(DeployLayout.clusterScript().toString());
    command.addAll(List.of(args));
    Path log = dir.resolveSibling(dir.getFileName() + "-script.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("PAYABLE_CLUSTER_DIR", dir.toString());
    long before = Files.exists(log) ? Files.size(log) : 0;
    Process process = builder.start();
    if (!process.waitFor(240, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("payable-cluster.sh " + String.join(" ", args) + " hung");
    }
    byte[] all = Files.readAllBytes(log);
    String output =
        new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
    LOG.info("payable-cluster.sh {}:\n{}", String.join(" ", args), output);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "payable-cluster.sh " + String.join(" ", args) + " failed:\n" + output);
    }
  }

  Path dir() {
    return dir;
  }

  String kafkaBootstrap() throws IOException {
    return Files.readString(dir.resolve("kafka.bootstrap")).trim();
  }

  /** The id of the job the script submitted from NN-{@code name}.job. */
  String jobId(String name) throws IOException {
    return Files.readString(dir.resolve("jobs/" + name + ".jobid")).trim();
  }

  /** The pid of a process the script started (kafka, jobmanager, taskmanager-N). */
  long pid(String process) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("pids/" + process + ".pid")).split(" ")[0]);
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  JsonNode post(String path, String json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  int completedCheckpoints(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt();
  }

  /** Stops the job with a savepoint, draining it (end of input: open shards are sealed). */
  void stopWithDrain(String jobId) throws IOException, InterruptedException {
    String savepoints = dir.resolve("savepoints").toUri().toString();
    String trigger =
        post(
                "/jobs/" + jobId + "/stop",
                "{\"drain\":true,\"targetDirectory\":\"" + savepoints + "\"}")
            .path("request-id")
            .asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if (status.path("status").path("id").asText().equals("COMPLETED")) {
        if (status.path("operation").has("failure-cause")) {
          throw new IllegalStateException("stop with savepoint failed: " + status);
        }
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("stop with savepoint of " + jobId + " did not complete");
  }

  private URI uri(String path) throws IOException {
    return URI.create(
        "http://127.0.0.1:" + Files.readString(dir.resolve("rest.port")).trim() + path);
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          response.request().uri() + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    script("stop");
  }
}
