package io.payable.factory.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.payable.factory.FactoryException;
import io.payable.factory.publish.AdapterPublisher;
import io.payable.factory.run.TrainingRequest;
import io.payable.factory.run.TrainingSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ModelFactory API the Console uses, on the JDK's built-in HTTP server (as the LoRA worker):
 *
 * <pre>
 * POST   /v1/trainings        {base, datanets, name, rank, alpha, epochs | steps, lr, batch,
 *                              grad_accum, seq_len, targets, seed, eval_fraction, ...} -> 201
 * GET    /v1/trainings        every run this server knows, newest last
 * GET    /v1/trainings/{id}   status, progress, loss and eval curves, outcome or error
 * DELETE /v1/trainings/{id}   cancel (the run stops at its next micro-batch) -> 202
 * POST   /v1/trainings/{id}/publish   a completed run's adapter to the workers, as {@code payable
 *                              models publish} does -> 200 {adapter_name, stored_at, loaded_on}
 * </pre>
 *
 * {@code base} names a directory under the server's bases directory, never a path of the client's
 * choosing; publishing goes to the adapter store and workers the server was started with, never to
 * the client's. Errors are {@code {"error": {"code", "message"}}} with 400 (bad request), 404
 * (unknown run), 409 (a run with that id is running; a run not completed, or no adapter store, on
 * publish) or 502 (stored, but a worker did not load it).
 */
public final class TrainingHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingHttpServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Pattern ONE = Pattern.compile("/v1/trainings/([A-Za-z0-9._-]+)");
  private static final Pattern PUBLISH = Pattern.compile("/v1/trainings/([A-Za-z0-9._-]+)/publish");
  private static final Pattern BASE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final int MAX_BODY = 1 << 16;

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final TrainingService service;
  private final Path basesDir;
  private final Optional<Publishing> publishing;
  private final AdapterPublisher publisher = new AdapterPublisher();

  /**
   * Where {@code POST /v1/trainings/{id}/publish} puts adapters: the workers' adapter store ({@code
   * payable serve --adapters}) and the workers to load them on.
   */
  public record Publishing(Path store, List<URI> workers) {
    public Publishing {
      Objects.requireNonNull(store, "store");
      workers = List.copyOf(workers);
    }
  }

  private TrainingHttpServer(
      HttpServer server, TrainingService service, Path basesDir, Optional<Publishing> publishing) {
    this.server = server;
    this.service = service;
    this.basesDir = basesDir;
    this.publishing = publishing;
  }

  /** Starts on {@code host:port} (port 0: any free port), without publishing. */
  public static TrainingHttpServer start(
      String host, int port, TrainingService service, Path basesDir) throws IOException {
    return start(host, port, service, basesDir, Optional.empty());
  }

  /** Starts on {@code host:port} (port 0: any free port), publishing to {@code publishing}. */
  public static TrainingHttpServer start(
      String host,
      int port,
      TrainingService service,
      Path basesDir,
      Optional<Publishing> publishing)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    TrainingHttpServer s = new TrainingHttpServer(server, service, basesDir, publishing);
    server.createContext("/", s::handle);
    server.setExecutor(s.threads);
    server.start();
    return s;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      Matcher one = ONE.matcher(path);
      Matcher publish = PUBLISH.matcher(path);
      if (publish.matches() && method.equals("POST")) {
        publish(ex, publish.group(1));
      } else if (path.equals("/v1/trainings") && method.equals("POST")) {
        create(ex);
      } else if (path.equals("/v1/trainings") && method.equals("GET")) {
        ArrayNode data = JSON.createArrayNode();
        service.jobs().forEach(j -> data.add(summary(j.snapshot())));
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        out.set("data", data);
        send(ex, 200, out);
      } else if (one.matches() && method.equals("GET")) {
        var job = service.job(one.group(1));
        if (job.isEmpty()) {
          error(ex, 404, "unknown_run", "no training " + one.group(1));
        } else {
          send(ex, 200, detail(job.get().snapshot()));
        }
      } else if (one.matches() && method.equals("DELETE")) {
        var job = service.cancel(one.group(1));
        if (job.isEmpty()) {
          error(ex, 404, "unknown_run", "no training " + one.group(1));
        } else {
          send(ex, 202, summary(job.get().snapshot()).put("cancel_requested", true));
        }
      } else {
        error(ex, 404, "not_found", method + " " + path + " is not an endpoint");
      }
    } catch (RuntimeException e) {
      LOG.warn("Request failed", e);
      try {
        error(ex, 500, "internal_error", String.valueOf(e.getMessage()));
      } catch (IOException ignored) {
        // The client went away.
      }
    }
  }

  private void create(HttpExchange ex) throws IOException {
    TrainingRequest request;
    try {
      JsonNode body = JSON.readTree(readBody(ex));
      if (body == null || !body.isObject()) {
        throw new FactoryException("bad_request", "the body must be a JSON object");
      }
      ObjectNode node = (ObjectNode) body;
      JsonNode base = node.remove("base");
      if (base == null || !base.isTextual() || !BASE_NAME.matcher(base.asText()).matches()) {
        throw new FactoryException(
            "no_base", "base must name a base model directory of this server");
      }
      Path dir = basesDir.resolve(base.asText());
      if (!Files.isDirectory(dir)) {
        throw new FactoryException("unloadable_base", "no base model named " + base.asText());
      }
      TrainingSpec spec = JSON.treeToValue(node, TrainingSpec.class).withBase(dir);
      request = spec.toRequest();
    } catch (FactoryException e) {
      error(ex, 400, e.reason(), e.getMessage());
      return;
    } catch (IOException e) {
      error(
          ex,
          400,
          "bad_request",
          "not a training request: " + e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    try {
      TrainingJob job = service.submit(request);
      send(ex, 201, detail(job.snapshot()));
    } catch (FactoryException e) {
      error(ex, 409, e.reason(), e.getMessage());
    }
  }

  private void publish(HttpExchange ex, String id) throws IOException {
    var job = service.job(id);
    if (job.isEmpty()) {
      error(ex, 404, "unknown_run", "no training " + id);
      return;
    }
    TrainingJob.Snapshot s = job.get().snapshot();
    if (s.outcome() == null) {
      error(ex, 409, "not_completed", "training " + id + " is " + s.phase().code());
      return;
    }
    if (publishing.isEmpty()) {
      error(
          ex,
          409,
          "no_adapter_store",
          "this server has no adapter store; publish with payable models publish "
              + s.outcome().adapterDir());
      return;
    }
    AdapterPublisher.Publication p;
    try {
      p =
          publisher.publish(
              s.outcome().adapterDir(),
              publishing.get().store(),
              Optional.empty(),
              publishing.get().workers());
    } catch (FactoryException e) {
      error(ex, 409, e.reason(), e.getMessage());
      return;
    }
    List<String> failed =
        p.workers().stream()
            .filter(a -> !a.ok())
            .map(a -> a.worker() + " (" + a.status() + " " + a.body().strip() + ")")
            .toList();
    if (!failed.isEmpty()) {
      error(
          ex,
          502,
          "not_loaded",
          "stored " + p.adapterName() + " but not loaded on " + String.join(", ", failed));
      return;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("adapter_name", p.adapterName());
    n.put("stored_at", p.storedAt().toString());
    ArrayNode workers = n.putArray("loaded_on");
    p.workers().forEach(a -> workers.add(a.worker()));
    send(ex, 200, n);
  }

  private static ObjectNode summary(TrainingJob.Snapshot s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", s.id());
    n.put("object", "training");
    n.put("created_at", s.createdAt().getEpochSecond());
    n.put("status", s.phase().code());
    n.put("step", s.step());
    n.put("total_steps", s.totalSteps());
    if (!Double.isNaN(s.loss())) {
      n.put("loss", s.loss());
    } else {
      n.putNull("loss");
    }
    if (s.outcome() != null) {
      n.put("adapter_name", s.outcome().manifest().adapterName());
    }
    return n;
  }

  private static ObjectNode detail(TrainingJob.Snapshot s) {
    ObjectNode n = summary(s);
    n.put("tokens_seen", s.tokensSeen());
    n.put("tokens_per_second", s.tokensPerSecond());
    if (s.etaSeconds() >= 0) {
      n.put("eta_seconds", s.etaSeconds());
    } else {
      n.putNull("eta_seconds");
    }
    ArrayNode loss = n.putArray("loss_curve");
    s.lossCurve().forEach(p -> loss.addObject().put("step", (int) p[0]).put("loss", p[1]));
    ArrayNode eval = n.putArray("eval_curve");
    s.evalCurve().forEach(p -> eval.addObject().put("step", (int) p[0]).put("loss", p[1]));
    if (s.errorReason() != null) {
      n.putObject("error").put("code", s.errorReason()).put("message", s.errorMessage());
    }
    if (s.outcome() != null) {
      ObjectNode o = n.putObject("result");
      o.put("adapter_name", s.outcome().manifest().adapterName());
      o.put("registry_key", s.outcome().manifest().registryKey());
      o.put("artifact_sha256", s.outcome().manifest().adapter().sha256());
      o.put("manifest_sha256", s.outcome().manifestSha256());
      o.put("training_set_root", s.outcome().manifest().trainingSet().merkleRoot());
      o.put("training_set_count", s.outcome().manifest().trainingSet().count());
      o.put("tx_hash", s.outcome().row().txHash());
    }
    return n;
  }

  private static byte[] readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new FactoryException("bad_request", "the body exceeds " + MAX_BODY + " bytes");
      }
      return body;
    }
  }

  private static void error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("code", code).put("message", message);
    send(ex, status, n);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
