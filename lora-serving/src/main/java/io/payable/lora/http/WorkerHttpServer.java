package io.payable.lora.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.InvalidAdapterException;
import io.payable.lora.cache.AdapterCacheException;
import io.payable.lora.cache.AdapterStatus;
import io.payable.lora.cache.Residency;
import io.payable.lora.worker.Completion;
import io.payable.lora.worker.LoraWorker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI-compatible HTTP front of a worker, on the JDK's built-in server.
 *
 * <pre>
 * POST /v1/completions                 {model, prompt, max_tokens, temperature, seed, user}
 * GET  /v1/models                      base model and adapters with residency
 * GET  /v1/adapters                    residency, pins, leases, rejected adapters
 * POST /v1/adapters/{id}/load|unload|pin|unpin
 * GET  /metrics                        Prometheus text
 * GET  /health
 * </pre>
 */
public final class WorkerHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerHttpServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADAPTER_OP =
      Pattern.compile("/v1/adapters/([A-Za-z0-9._-]+)/(load|unload|pin|unpin)");
  private static final int MAX_BODY = 1 << 20;
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final long REQUEST_TIMEOUT_S = 600;

  private final LoraWorker worker;
  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMetrics metrics;

  public WorkerHttpServer(LoraWorker worker, String host, int port, int threads)
      throws IOException {
    this.worker = worker;
    this.metrics = new PrometheusMetrics(worker);
    this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
    // Completion handlers block until their request finishes, so the pool bounds concurrency.
    this.executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("LoRA worker listening on http://{}:{}", host, port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    try {
      if (path.equals("/v1/completions") && method.equals("POST")) {
        completions(ex);
      } else if (path.equals("/v1/models") && method.equals("GET")) {
        send(ex, 200, models());
      } else if (path.equals("/v1/adapters") && method.equals("GET")) {
        send(ex, 200, adapters());
      } else if (path.equals("/metrics") && method.equals("GET")) {
        byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(body);
        }
      } else if (path.equals("/health") && method.equals("GET")) {
        send(ex, 200, JSON.createObjectNode().put("status", "ok"));
      } else {
        Matcher m = ADAPTER_OP.matcher(path);
        if (m.matches() && method.equals("POST")) {
          adapterOp(ex, m.group(1), m.group(2));
        } else {
          error(ex, 404, "not_found", "no route " + method + " " + path);
        }
      }
    } catch (AdapterCacheException e) {
      int status =
          switch (e.kind()) {
            case UNKNOWN_ADAPTER -> 404;
            case IN_USE, PINNED, ALL_SLOTS_PINNED -> 409;
            case TIMEOUT -> 504;
            case LOAD_FAILED -> 422;
          };
      error(ex, status, e.kind().name().toLowerCase(), e.getMessage());
    } catch (IllegalArgumentException e) {
      error(ex, 400, "invalid_request_error", e.getMessage());
    } catch (RejectedExecutionException e) {
      error(ex, 429, "overloaded", e.getMessage());
    } catch (InvalidAdapterException e) {
      error(ex, 422, "invalid_adapter", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(ex, 503, "shutting_down", "interrupted");
    } catch (IOException e) {
      LOG.debug("client I/O error on {}", path, e);
    } catch (RuntimeException e) {
      LOG.error("request {} {} failed", method, path, e);
      error(ex, 500, "server_error", String.valueOf(e.getMessage()));
    } finally {
      ex.close();
    }
  }

  private void completions(HttpExchange ex) throws IOException, InterruptedException {
    JsonNode req = readJson(ex);
    String model = text(req, "model", null);
    if (model == null) {
      throw new IllegalArgumentException("model is required (an adapter id)");
    }
    JsonNode promptNode = req.get("prompt");
    String prompt;
    if (promptNode == null || promptNode.isNull()) {
      prompt = "";
    } else if (promptNode.isTextual()) {
      prompt = promptNode.asText();
    } else if (promptNode.isArray() && promptNode.size() == 1 && promptNode.get(0).isTextual()) {
      prompt = promptNode.get(0).asText();
    } else {
      throw new IllegalArgumentException("prompt must be a string");
    }
    int maxTokens = req.path("max_tokens").asInt(16);
    double temperature = req.path("temperature").asDouble(1.0);
    long seed =
        req.hasNonNull("seed") ? req.get("seed").asLong() : ThreadLocalRandom.current().nextLong();
    if (req.path("stream").asBoolean(false)) {
      throw new IllegalArgumentException("stream=true is not supported; omit it");
    }
    if (req.path("n").asInt(1) != 1) {
      throw new IllegalArgumentException("only n=1 is supported");
    }
    String consumer = text(req, "user", ex.getRequestHeaders().getFirst("X-Payable-Consumer"));
    if (consumer == null || consumer.isBlank()) {
      consumer = "anonymous";
    }
    Completion c;
    try {
      c =
          worker
              .complete(model, prompt, maxTokens, temperature, seed, consumer)
              .get(REQUEST_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AdapterCacheException ace) {
        throw ace;
      }
      if (cause instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(String.valueOf(cause), cause);
    } catch (TimeoutException e) {
      error(ex, 504, "timeout", "completion timed out");
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", c.event().eventId());
    out.put("object", "text_completion");
    out.put("created", c.event().doneTime().getEpochSecond());
    out.put("model", model);
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("text", c.text());
    choice.put("index", 0);
    choice.putNull("logprobs");
    choice.put("finish_reason", c.finishReason());
    ObjectNode usage = out.putObject("usage");
    usage.put("prompt_tokens", c.event().promptTokens());
    usage.put("completion_tokens", c.event().outputTokens());
    usage.put("total_tokens", c.event().promptTokens() + c.event().outputTokens());
    ObjectNode pay = out.putObject("payable");
    pay.put("fee_wei", c.event().feeWei().toString());
    pay.put("price_wei", c.event().priceWei().toString());
    pay.put("worker", c.event().workerId());
    send(ex, 200, out);
  }

  private ObjectNode models() {
    ObjectNode out = JSON.createObjectNode();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    String base = worker.modelConfig().modelId();
    data.addObject()
        .put("id", base)
        .put("object", "model")
        .put("created", 0)
        .put("owned_by", "payable")
        .put("residency", Residency.DEVICE.name().toLowerCase());
    Map<String, AdapterStatus> status = new HashMap<>();
    for (AdapterStatus s : worker.cache().status()) {
      status.put(s.id(), s);
    }
    for (AdapterDescriptor d : worker.registry().all()) {
      AdapterStatus s = status.get(d.id());
      ObjectNode m = data.addObject();
      m.put("id", d.id());
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", "payable");
      m.put("root", base);
      m.put("parent", base);
      m.put("version", d.version());
      m.put("rank", d.rank());
      m.put("price_wei", worker.prices().price(d.id()).toString());
      m.put("residency", (s == null ? Residency.DISK : s.residency()).name().toLowerCase());
      m.put("pinned", s != null && s.pinned());
      m.put("in_use", s == null ? 0 : s.inUse());
    }
    return out;
  }

  private ObjectNode adapters() {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode resident = out.putArray("resident");
    for (AdapterStatus s : worker.cache().status()) {
      if (s.residency() == Residency.DISK) {
        continue;
      }
      resident
          .addObject()
          .put("id", s.id())
          .put("residency", s.residency().name().toLowerCase())
          .put("slot", s.slot())
          .put("in_use", s.inUse())
          .put("pinned", s.pinned())
          .put("bytes", s.bytes());
    }
    out.put("registered", worker.registry().all().size());
    ObjectNode rejected = out.putObject("rejected");
    worker.registry().rejected().forEach(rejected::put);
    return out;
  }

  private void adapterOp(HttpExchange ex, String id, String op)
      throws IOException, InterruptedException, InvalidAdapterException {
    drain(ex);
    switch (op) {
      case "load" -> {
        if (worker.registry().get(id) == null) {
          worker.register(id);
        }
        worker.cache().load(id, ADMIN_TIMEOUT);
      }
      case "unload" -> worker.cache().unload(id);
      case "pin" -> worker.cache().pin(id, ADMIN_TIMEOUT);
      case "unpin" -> worker.cache().unpin(id);
      default -> throw new IllegalArgumentException(op);
    }
    send(
        ex,
        200,
        JSON.createObjectNode()
            .put("id", id)
            .put("residency", worker.cache().residency(id).name().toLowerCase()));
  }

  private static void drain(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      in.readNBytes(MAX_BODY);
    }
  }

  private static JsonNode readJson(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      throw new IllegalArgumentException("request body larger than " + MAX_BODY + " bytes");
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("request body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IllegalArgumentException("request body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? dflt : v.asText();
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static void error(HttpExchange ex, int status, String type, String message)
      throws IOException {
    ObjectNode out = JSON.createObjectNode();
    out.putObject("error").put("message", message).put("type", type).putNull("code");
    try {
      send(ex, status, out);
    } catch (IOException e) {
      LOG.debug("could not send error response", e);
    }
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}
