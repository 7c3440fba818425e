package io.payable.lora.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.lora.adapter.AdapterDescriptor;
import io.payable.lora.adapter.InvalidAdapterException;
import io.payable.lora.batch.GeneratedToken;
import io.payable.lora.batch.GenerationResult;
import io.payable.lora.batch.TokenStream;
import io.payable.lora.cache.AdapterCacheException;
import io.payable.lora.cache.AdapterStatus;
import io.payable.lora.cache.Residency;
import io.payable.lora.payment.EscrowUnavailableException;
import io.payable.lora.payment.PaymentRequiredException;
import io.payable.lora.worker.Completion;
import io.payable.lora.worker.LoraWorker;
import io.payable.models.text.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * OpenAI-compatible HTTP front of a worker, on the JDK's built-in server, with vLLM's adapter
 * endpoints.
 *
 * <pre>
 * POST /v1/completions        {model, prompt (text or token ids), max_tokens, temperature, top_p,
 *                              seed, stop, logprobs, stream, stream_options, user}
 * POST /v1/chat/completions   {model, messages, max_tokens, temperature, top_p, seed, stop,
 *                              logprobs, top_logprobs, stream, stream_options, user}
 * GET  /v1/models             base model and adapters with residency
 * POST /v1/load_lora_adapter   {lora_name, lora_path}
 * POST /v1/unload_lora_adapter {lora_name}
 * GET  /v1/adapters           residency, pins, leases, rejected adapters
 * POST /v1/adapters/{id}/load|unload|pin|unpin
 * GET  /metrics               Prometheus text
 * GET  /health
 * </pre>
 *
 * <p>{@code model} is an adapter id or the base model id. Errors are OpenAI's error JSON: 404 for
 * an unknown model, 400 for bad parameters or a prompt beyond the context, 429 (queue full) and 503
 * (shutting down) with Retry-After. With {@code stream: true} the answer is Server-Sent Events: one
 * chunk per token or small group of tokens, a chunk with the finish reason and {@code usage}, then
 * {@code data: [DONE]}. With {@code stream_options: {"include_usage": true}}, and always for a paid
 * request, {@code usage} moves to a last chunk with no choices, which also carries the charge
 * ({@code payable}, as a non-streamed answer does). A client that disconnects cancels its request,
 * which releases its adapter lease and is metered (and charged) for the tokens generated.
 */
public final class WorkerHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerHttpServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADAPTER_OP =
      Pattern.compile("/v1/adapters/([A-Za-z0-9._-]+)/(load|unload|pin|unpin)");
  private static final int MAX_BODY = 1 << 20;
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final long REQUEST_TIMEOUT_S = 600;
  private static final int RETRY_AFTER_S = 1;

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
        completions(ex, false);
      } else if (path.equals("/v1/chat/completions") && method.equals("POST")) {
        completions(ex, true);
      } else if (path.equals("/v1/models") && method.equals("GET")) {
        send(ex, 200, models());
      } else if (path.equals("/v1/load_lora_adapter") && method.equals("POST")) {
        loadLoraAdapter(ex);
      } else if (path.equals("/v1/unload_lora_adapter") && method.equals("POST")) {
        unloadLoraAdapter(ex);
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
          error(
              ex,
              new OpenAiError(
                  404, "not_found", null, null, null, "no route " + method + " " + path));
        }
      }
    } catch (OpenAiError e) {
      error(ex, e);
    } catch (PaymentRequiredException e) {
      error(
          ex,
          new OpenAiError(402, "payment_required", null, e.reason().code(), null, e.getMessage()));
    } catch (EscrowUnavailableException e) {
      error(
          ex,
          new OpenAiError(503, "service_unavailable", null, null, RETRY_AFTER_S, e.getMessage()));
    } catch (AdapterCacheException e) {
      error(ex, cacheError(e));
    } catch (IllegalArgumentException e) {
      error(ex, OpenAiError.badRequest(null, e.getMessage()));
    } catch (RejectedExecutionException e) {
      error(ex, overload(e));
    } catch (InvalidAdapterException e) {
      error(ex, OpenAiError.badRequest("lora_path", e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(
          ex,
          new OpenAiError(503, "service_unavailable", null, null, RETRY_AFTER_S, "interrupted"));
    } catch (IOException e) {
      LOG.debug("client I/O error on {}", path, e);
    } catch (RuntimeException e) {
      LOG.error("request {} {} failed", method, path, e);
      error(
          ex,
          new OpenAiError(500, "server_error", null, null, null, String.valueOf(e.getMessage())));
    } finally {
      ex.close();
    }
  }

  private static OpenAiError cacheError(AdapterCacheException e) {
    return switch (e.kind()) {
      case UNKNOWN_ADAPTER -> OpenAiError.modelNotFound(e.getMessage());
      case IN_USE, PINNED -> new OpenAiError(409, "conflict", null, null, null, e.getMessage());
      case ALL_SLOTS_PINNED ->
          new OpenAiError(503, "service_unavailable", null, null, RETRY_AFTER_S, e.getMessage());
      case TIMEOUT -> new OpenAiError(504, "timeout", null, null, RETRY_AFTER_S, e.getMessage());
      case LOAD_FAILED -> new OpenAiError(422, "invalid_adapter", null, null, null, e.getMessage());
    };
  }

  private static OpenAiError overload(RejectedExecutionException e) {
    boolean stopped = String.valueOf(e.getMessage()).contains("stopped");
    return stopped
        ? new OpenAiError(503, "service_unavailable", null, null, RETRY_AFTER_S, e.getMessage())
        : new OpenAiError(
            429, "rate_limit_exceeded", null, "rate_limit_exceeded", RETRY_AFTER_S, e.getMessage());
  }

  /** The parsed body of a completion request. */
  private record Request(
      String model,
      int[] prompt,
      LoraWorker.Sampling sampling,
      boolean logprobs,
      boolean stream,
      boolean includeUsage,
      String consumer) {}

  private Request parse(HttpExchange ex, JsonNode req, boolean chat) {
    String model = text(req, "model", null);
    if (model == null || model.isBlank()) {
      throw OpenAiError.badRequest("model", "model is required (an adapter id or the base model)");
    }
    if (!model.equals(worker.modelId()) && worker.registry().get(model) == null) {
      throw OpenAiError.modelNotFound("The model `" + model + "` does not exist.");
    }
    int[] prompt =
        chat ? worker.encodeChat(messages(req.get("messages"))) : prompt(req.get("prompt"));
    int maxTokens =
        intParam(
            req,
            chat && req.hasNonNull("max_completion_tokens")
                ? "max_completion_tokens"
                : "max_tokens",
            chat ? Math.max(1, worker.modelConfig().maxPositions() - prompt.length) : 16);
    if (maxTokens < 1) {
      throw OpenAiError.badRequest("max_tokens", "max_tokens must be at least 1");
    }
    if (prompt.length + maxTokens > worker.modelConfig().maxPositions()) {
      throw new OpenAiError(
          400,
          "invalid_request_error",
          chat ? "messages" : "prompt",
          "context_length_exceeded",
          null,
          "This model's maximum context length is "
              + worker.modelConfig().maxPositions()
              + " tokens. However, you requested "
              + (prompt.length + maxTokens)
              + " tokens ("
              + prompt.length
              + " in the prompt, "
              + maxTokens
              + " for the completion).");
    }
    double temperature = number(req, "temperature", 1.0, 0, 2);
    double topP = number(req, "top_p", 1.0, 0, 1);
    if (topP == 0) {
      throw OpenAiError.badRequest("top_p", "top_p must be greater than 0");
    }
    long seed =
        req.hasNonNull("seed") ? longParam(req, "seed") : ThreadLocalRandom.current().nextLong();
    if (intParam(req, "n", 1) != 1) {
      throw OpenAiError.badRequest("n", "only n=1 is supported");
    }
    if (req.path("echo").asBoolean(false)) {
      throw OpenAiError.badRequest("echo", "echo is not supported");
    }
    int topLogprobs = -1;
    boolean logprobs;
    if (chat) {
      logprobs = req.path("logprobs").asBoolean(false);
      if (logprobs) {
        topLogprobs = intParam(req, "top_logprobs", 0);
        if (topLogprobs < 0 || topLogprobs > 20) {
          throw OpenAiError.badRequest("top_logprobs", "top_logprobs must be between 0 and 20");
        }
      } else if (req.hasNonNull("top_logprobs")) {
        throw OpenAiError.badRequest("top_logprobs", "top_logprobs needs logprobs: true");
      }
    } else {
      logprobs = req.hasNonNull("logprobs");
      if (logprobs) {
        topLogprobs = intParam(req, "logprobs", 0);
        if (topLogprobs < 0 || topLogprobs > 5) {
          throw OpenAiError.badRequest("logprobs", "logprobs must be between 0 and 5");
        }
      }
    }
    List<String> stop = new ArrayList<>();
    JsonNode s = req.get("stop");
    if (s != null && s.isTextual()) {
      stop.add(s.asText());
    } else if (s != null && s.isArray()) {
      s.forEach(x -> stop.add(x.asText()));
    } else if (s != null && !s.isNull()) {
      throw OpenAiError.badRequest("stop", "stop must be a string or an array of strings");
    }
    LoraWorker.Sampling sampling;
    try {
      sampling = new LoraWorker.Sampling(maxTokens, temperature, topP, seed, topLogprobs, stop);
    } catch (IllegalArgumentException e) {
      throw OpenAiError.badRequest("stop", e.getMessage());
    }
    JsonNode streamNode = req.get("stream");
    if (streamNode != null && !streamNode.isNull() && !streamNode.isBoolean()) {
      throw OpenAiError.badRequest("stream", "stream must be a boolean");
    }
    boolean stream = streamNode != null && streamNode.asBoolean();
    boolean includeUsage = false;
    JsonNode streamOptions = req.get("stream_options");
    if (streamOptions != null && !streamOptions.isNull()) {
      if (!stream) {
        throw OpenAiError.badRequest(
            "stream_options", "stream_options is only allowed when stream is true");
      }
      JsonNode include = streamOptions.get("include_usage");
      if (!streamOptions.isObject()
          || (include != null && !include.isNull() && !include.isBoolean())) {
        throw OpenAiError.badRequest(
            "stream_options", "stream_options must be an object with a boolean include_usage");
      }
      includeUsage = include != null && include.asBoolean();
    }
    String consumer = text(req, "user", ex.getRequestHeaders().getFirst("X-Payable-Consumer"));
    if (consumer == null || consumer.isBlank()) {
      consumer = "anonymous";
    }
    return new Request(model, prompt, sampling, logprobs, stream, includeUsage, consumer);
  }

  private int[] prompt(JsonNode p) {
    if (p == null || p.isNull()) {
      throw OpenAiError.badRequest("prompt", "prompt is required");
    }
    if (p.isArray() && p.size() == 1 && (p.get(0).isTextual() || p.get(0).isArray())) {
      p = p.get(0); // a batch of one
    }
    if (p.isTextual()) {
      if (p.asText().isEmpty()) {
        throw OpenAiError.badRequest("prompt", "prompt must not be empty");
      }
      return worker.encode(p.asText());
    }
    if (p.isArray() && p.size() > 0) {
      int[] ids = new int[p.size()];
      for (int i = 0; i < ids.length; i++) {
        JsonNode t = p.get(i);
        if (!t.canConvertToInt() || !t.isIntegralNumber()) {
          throw OpenAiError.badRequest("prompt", "prompt token ids must be integers");
        }
        ids[i] = t.asInt();
        if (ids[i] < 0 || ids[i] >= worker.modelConfig().vocabSize()) {
          throw OpenAiError.badRequest(
              "prompt",
              "token id "
                  + ids[i]
                  + " is outside the vocabulary of "
                  + worker.modelConfig().vocabSize());
        }
      }
      return ids;
    }
    throw OpenAiError.badRequest(
        "prompt", "prompt must be a string or an array of token ids (one prompt per request)");
  }

  private static List<ChatMessage> messages(JsonNode ms) {
    if (ms == null || !ms.isArray() || ms.isEmpty()) {
      throw OpenAiError.badRequest("messages", "messages must be a non-empty array");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (JsonNode m : ms) {
      String role = m.path("role").asText("");
      if (!List.of("system", "user", "assistant", "tool", "developer").contains(role)) {
        throw OpenAiError.badRequest("messages", "unknown message role '" + role + "'");
      }
      JsonNode c = m.get("content");
      String content;
      if (c != null && c.isTextual()) {
        content = c.asText();
      } else if (c != null && c.isArray()) {
        StringBuilder b = new StringBuilder();
        for (JsonNode part : c) {
          if (!"text".equals(part.path("type").asText())) {
            throw OpenAiError.badRequest("messages", "only text content parts are supported");
          }
          b.append(part.path("text").asText());
        }
        content = b.toString();
      } else {
        throw OpenAiError.badRequest("messages", "message content must be a string");
      }
      out.add(new ChatMessage(role, content));
    }
    return out;
  }

  private void completions(HttpExchange ex, boolean chat) throws IOException, InterruptedException {
    Request r = parse(ex, readJson(ex), chat);
    String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID();
    LoraWorker.Generation g =
        worker.generate(
            id,
            r.model(),
            r.prompt(),
            r.sampling(),
            r.consumer(),
            ex.getRequestHeaders().getFirst(SignedVoucher.HEADER));
    long created = Instant.now().getEpochSecond();
    if (r.stream()) {
      stream(ex, r, g, id, created, chat);
      return;
    }
    Completion c;
    try {
      c = g.completion().get(REQUEST_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw unwrap(e.getCause());
    } catch (TimeoutException e) {
      g.stream().cancel("cancelled");
      throw new OpenAiError(504, "timeout", null, null, null, "completion timed out");
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.put("object", chat ? "chat.completion" : "text_completion");
    out.put("created", created);
    out.put("model", r.model());
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    if (chat) {
      choice.putObject("message").put("role", "assistant").put("content", c.text());
    } else {
      choice.put("text", c.text());
    }
    if (r.logprobs()) {
      choice.set("logprobs", logprobs(c.result().logprobs(), chat));
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", c.finishReason());
    out.set("usage", usage(c.result()));
    out.set("payable", payable(c));
    send(ex, 200, out);
  }

  private static RuntimeException unwrap(Throwable cause) {
    if (cause instanceof RuntimeException re) {
      return re;
    }
    return new IllegalStateException(String.valueOf(cause), cause);
  }

  private void stream(
      HttpExchange ex, Request r, LoraWorker.Generation g, String id, long created, boolean chat)
      throws IOException, InterruptedException {
    SseWriter sse;
    try {
      sse = new SseWriter(ex);
      if (chat) {
        ObjectNode first = chunk(id, created, r.model(), chat);
        ObjectNode delta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
        delta.put("role", "assistant").put("content", "");
        sse.event(first);
      }
    } catch (IOException e) {
      g.stream().cancel("cancelled");
      throw e;
    }
    TextDeltas deltas = new TextDeltas(worker, r.sampling().stop());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REQUEST_TIMEOUT_S);
    try {
      while (true) {
        TokenStream.Event e = g.stream().poll(1, TimeUnit.SECONDS);
        if (e == null) {
          if (System.nanoTime() > deadline) {
            g.stream().cancel("cancelled");
          }
          continue;
        }
        List<GeneratedToken> tokens = new ArrayList<>();
        TokenStream.End end = null;
        // Tokens that arrived together go out as one chunk.
        while (e != null && end == null) {
          if (e instanceof TokenStream.TokenEvent t) {
            tokens.add(t.token());
            deltas.add(t.token().id());
          } else {
            end = (TokenStream.End) e;
          }
          if (end == null) {
            e = g.stream().poll(0, TimeUnit.MILLISECONDS);
          }
        }
        if (end != null && end.error() != null) {
          // Headers are sent: report the error as an event, as OpenAI does mid-stream.
          OpenAiError err = asOpenAiError(end.error());
          ObjectNode body = JSON.createObjectNode();
          body.putObject("error")
              .put("message", err.getMessage())
              .put("type", err.type)
              .putNull("param")
              .putNull("code");
          sse.event(body);
          sse.done();
          return;
        }
        String text = deltas.next(end != null);
        if (!text.isEmpty() || (r.logprobs() && !tokens.isEmpty())) {
          ObjectNode c = chunk(id, created, r.model(), chat);
          ObjectNode choice = (ObjectNode) c.get("choices").get(0);
          if (chat) {
            choice.putObject("delta").put("content", text);
          } else {
            choice.put("text", text);
          }
          if (r.logprobs()) {
            choice.set("logprobs", logprobs(tokens, chat));
          }
          sse.event(c);
        }
        if (end != null) {
          GenerationResult res = end.result();
          // A paid answer's charge comes after the finish, in a last chunk with no choices, as
          // OpenAI sends usage with stream_options.include_usage; then usage is only there.
          boolean trailer = r.includeUsage() || worker.payments() != null;
          ObjectNode c = chunk(id, created, r.model(), chat);
          ObjectNode choice = (ObjectNode) c.get("choices").get(0);
          if (chat) {
            choice.putObject("delta");
          } else {
            choice.put("text", "");
          }
          choice.put("finish_reason", res.finishReason());
          if (trailer) {
            c.putNull("usage");
          } else {
            c.set("usage", usage(res));
          }
          sse.event(c);
          if (trailer) {
            ObjectNode last = trailer(sse, g, id, created, r.model(), chat);
            if (last == null) {
              sse.done();
              return;
            }
            sse.event(last);
          }
          sse.done();
          return;
        }
      }
    } catch (IOException e) {
      // The client went away: stop generating, free the lease; the tokens so far are metered.
      g.stream().cancel("cancelled");
      LOG.debug("client disconnected from stream {}", id);
    }
  }

  /**
   * The last chunk of a stream: no choices, the usage and, for a paid request, its charge (the
   * {@code payable} block of a non-streamed answer). It waits for the completion, which is metered
   * (its one inference event emitted) right after the last token. Null when metering failed; the
   * error then went out as an event.
   */
  private ObjectNode trailer(
      SseWriter sse, LoraWorker.Generation g, String id, long created, String model, boolean chat)
      throws IOException, InterruptedException {
    Completion done;
    try {
      done = g.completion().get(REQUEST_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException | TimeoutException e) {
      Throwable cause = e instanceof TimeoutException ? e : e.getCause();
      LOG.error("metering of {} failed", id, cause);
      OpenAiError err = asOpenAiError(cause);
      ObjectNode body = JSON.createObjectNode();
      body.putObject("error")
          .put("message", err.getMessage())
          .put("type", err.type)
          .putNull("param")
          .putNull("code");
      sse.event(body);
      return null;
    }
    ObjectNode c = chunk(id, created, model, chat);
    c.putArray("choices");
    c.set("usage", usage(done.result()));
    c.set("payable", payable(done));
    return c;
  }

  private OpenAiError asOpenAiError(Throwable t) {
    if (t instanceof OpenAiError o) {
      return o;
    }
    if (t instanceof AdapterCacheException ace) {
      return cacheError(ace);
    }
    if (t instanceof RejectedExecutionException ree) {
      return overload(ree);
    }
    if (t instanceof IllegalArgumentException iae) {
      return OpenAiError.badRequest(null, iae.getMessage());
    }
    return new OpenAiError(500, "server_error", null, null, null, String.valueOf(t.getMessage()));
  }

  private static ObjectNode chunk(String id, long created, String model, boolean chat) {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", id);
    c.put("object", chat ? "chat.completion.chunk" : "text_completion");
    c.put("created", created);
    c.put("model", model);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return c;
  }

  private static ObjectNode usage(GenerationResult r) {
    ObjectNode u = JSON.createObjectNode();
    u.put("prompt_tokens", r.promptTokens());
    u.put("completion_tokens", r.tokens().length);
    u.put("total_tokens", r.promptTokens() + r.tokens().length);
    return u;
  }

  private static ObjectNode payable(Completion c) {
    ObjectNode pay = JSON.createObjectNode();
    pay.put("event_id", c.event().eventId());
    pay.put("fee_wei", c.event().feeWei().toString());
    pay.put("price_wei", c.event().priceWei().toString());
    pay.put("worker", c.event().workerId());
    if (c.consumerChargedWei() != null) {
      // What the client's next voucher must cover, beyond its next request's maximum fee.
      pay.put("consumer", c.event().consumer());
      pay.put("consumer_charged_wei", c.consumerChargedWei().toString());
    }
    return pay;
  }

  private JsonNode logprobs(List<GeneratedToken> tokens, boolean chat) {
    if (chat) {
      ObjectNode out = JSON.createObjectNode();
      ArrayNode content = out.putArray("content");
      for (GeneratedToken t : tokens) {
        ObjectNode e = content.addObject();
        tokenEntry(e, t.id(), t.logprob());
        ArrayNode top = e.putArray("top_logprobs");
        for (int i = 0; i < t.topIds().length; i++) {
          tokenEntry(top.addObject(), t.topIds()[i], t.topLogprobs()[i]);
        }
      }
      return out;
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode toks = out.putArray("tokens");
    ArrayNode lps = out.putArray("token_logprobs");
    ArrayNode tops = out.putArray("top_logprobs");
    for (GeneratedToken t : tokens) {
      toks.add(piece(t.id()));
      lps.add(t.logprob());
      ObjectNode top = tops.addObject();
      for (int i = 0; i < t.topIds().length; i++) {
        top.put(piece(t.topIds()[i]), t.topLogprobs()[i]);
      }
    }
    return out;
  }

  private void tokenEntry(ObjectNode e, int id, float logprob) {
    String piece = piece(id);
    e.put("token", piece);
    e.put("logprob", logprob);
    ArrayNode bytes = e.putArray("bytes");
    for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
  }

  private String piece(int id) {
    return worker.tokenizer().decode(new int[] {id}, false);
  }

  private ObjectNode models() {
    ObjectNode out = JSON.createObjectNode();
    out.put("object", "list");
    ArrayNode data = out.putArray("data");
    String base = worker.modelId();
    data.addObject()
        .put("id", base)
        .put("object", "model")
        .put("created", 0)
        .put("owned_by", "payable")
        .put("root", base)
        .putNull("parent")
        .put("max_model_len", worker.modelConfig().maxPositions())
        .put("price_wei", worker.prices().price(null).toString())
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
      m.put("root", d.dir().getFileName().toString());
      m.put("parent", base);
      m.put("max_model_len", worker.modelConfig().maxPositions());
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

  /** vLLM's {@code /v1/load_lora_adapter}: registers and loads a new adapter. */
  private void loadLoraAdapter(HttpExchange ex)
      throws IOException, InterruptedException, InvalidAdapterException {
    JsonNode req = readJson(ex);
    String name = text(req, "lora_name", null);
    if (name == null || name.isBlank()) {
      throw OpenAiError.badRequest("lora_name", "lora_name is required");
    }
    if (name.equals(worker.modelId()) || worker.registry().get(name) != null) {
      throw OpenAiError.badRequest(
          "lora_name", "The lora adapter '" + name + "' has already been loaded.");
    }
    String path = text(req, "lora_path", null);
    worker.register(name, path == null ? null : Path.of(path));
    worker.cache().load(name, ADMIN_TIMEOUT);
    sendText(ex, 200, "Success: LoRA adapter '" + name + "' added successfully.");
  }

  /** vLLM's {@code /v1/unload_lora_adapter}: stops serving an adapter. */
  private void unloadLoraAdapter(HttpExchange ex) throws IOException {
    JsonNode req = readJson(ex);
    String name = text(req, "lora_name", null);
    if (name == null || name.isBlank()) {
      throw OpenAiError.badRequest("lora_name", "lora_name is required");
    }
    worker.unregister(name);
    sendText(ex, 200, "Success: LoRA adapter '" + name + "' removed successfully.");
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
      throw OpenAiError.badRequest(null, "request body larger than " + MAX_BODY + " bytes");
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw OpenAiError.badRequest(null, "request body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw OpenAiError.badRequest(null, "request body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? dflt : v.asText();
  }

  private static int intParam(JsonNode n, String field, int dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw OpenAiError.badRequest(field, field + " must be an integer");
    }
    return v.asInt();
  }

  private static long longParam(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw OpenAiError.badRequest(field, field + " must be an integer");
    }
    return v.asLong();
  }

  private static double number(JsonNode n, String field, double dflt, double min, double max) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
      throw OpenAiError.badRequest(
          field, field + " must be a number between " + min + " and " + max);
    }
    return v.asDouble();
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static void sendText(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static void error(HttpExchange ex, OpenAiError e) {
    ObjectNode out = JSON.createObjectNode();
    ObjectNode err = out.putObject("error");
    err.put("message", e.getMessage());
    err.put("type", e.type);
    err.put("param", e.param);
    err.put("code", e.code);
    if (e.retryAfterSeconds != null) {
      ex.getResponseHeaders().set("Retry-After", String.valueOf(e.retryAfterSeconds));
    }
    try {
      send(ex, e.status, out);
    } catch (IOException io) {
      LOG.debug("could not send error response", io);
    }
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}
