package io.payable.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Forwards to the services the Console fronts: a LoRA worker's OpenAI API (the chat playground,
 * streamed as server-sent events as the worker sends them) and the ModelFactory HTTP API ({@code
 * /v1/trainings}). Neither is required: without one, its pages say so.
 */
final class Proxies {

  private final ConsoleConfig config;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Proxies(ConsoleConfig config) {
    this.config = config;
  }

  /** POST /api/chat {model, messages, max_tokens}: the worker's streamed chat completion. */
  void chat(Request request, HttpExchange exchange) throws Exception {
    String worker = required(config.workerUrl(), "No LoRA worker is configured (--worker-url)");
    JsonNode body = request.json();
    Request.text(body, "model");
    if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
      throw ApiException.badRequest("messages must be a non-empty array");
    }
    ObjectNode forwarded = ((ObjectNode) body).deepCopy();
    forwarded.put("stream", true);
    HttpRequest out =
        HttpRequest.newBuilder(URI.create(worker + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(forwarded)))
            .build();
    pipe(out, exchange);
  }

  /** GET /api/models: the worker's models and adapters. */
  void models(Request request, HttpExchange exchange) throws Exception {
    String worker = required(config.workerUrl(), "No LoRA worker is configured (--worker-url)");
    pipe(HttpRequest.newBuilder(URI.create(worker + "/v1/models")).GET().build(), exchange);
  }

  /** /api/trainings[/...]: the ModelFactory API's /v1/trainings[/...], same method and body. */
  void modelFactory(Request request, HttpExchange exchange) throws Exception {
    String base =
        required(
            config.modelFactoryUrl(),
            "No ModelFactory service is configured (--model-factory-url)");
    String rest = request.path().substring("/api".length());
    String query = exchange.getRequestURI().getRawQuery();
    URI target = URI.create(base + "/v1" + rest + (query == null ? "" : "?" + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(target);
    switch (exchange.getRequestMethod()) {
      case "POST" ->
          b.header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
      case "DELETE" -> b.DELETE();
      default -> b.GET();
    }
    pipe(b.build(), exchange);
  }

  private static String required(Optional<String> url, String message) {
    return url.orElseThrow(() -> new ApiException(503, message));
  }

  /** Sends the upstream response as it arrives (status, content type, body). */
  private void pipe(HttpRequest request, HttpExchange exchange) throws Exception {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ApiException(
          502, "Could not reach " + request.uri().getHost() + ":" + request.uri().getPort());
    }
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type",
            response.headers().firstValue("Content-Type").orElse("application/json"));
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(response.statusCode(), 0);
    try (InputStream in = response.body();
        OutputStream out = exchange.getResponseBody()) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    }
  }
}
