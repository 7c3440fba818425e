package io.payable.console;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.lora.client.PayingClient;
import io.payable.lora.client.PaymentChannelFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.web3j.crypto.Credentials;

/**
 * Forwards to the services the Console fronts: a LoRA worker's OpenAI API (the chat playground,
 * streamed as server-sent events as the worker sends them) and the ModelFactory HTTP API ({@code
 * /v1/trainings}). Neither is required: without one, its pages say so.
 *
 * <p>A worker that serves paid requests only answers 402 without a voucher. Given a playground
 * consumer (a key with a deposit in ConsumerEscrow), the chat playground pays: each request goes
 * through a {@link PayingClient}, which signs the next cumulative voucher. Its answer is then a
 * paid completion like any other (metered, attributed and settled), streamed to the browser token
 * by token as the worker generates it, its charge in the last chunk. Without one, the worker's 402
 * becomes a one-line message.
 */
final class Proxies {

  private final ConsoleConfig config;
  private final ChainReads chain;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PayingClient paying;

  Proxies(ConsoleConfig config, ChainReads chain) {
    this.config = config;
    this.chain = chain;
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
    if (config.playgroundConsumerKey().isPresent()) {
      paidChat(worker, forwarded, exchange);
      return;
    }
    forwarded.put("stream", true);
    HttpRequest out =
        HttpRequest.newBuilder(URI.create(worker + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(forwarded)))
            .build();
    HttpResponse<InputStream> response = send(out);
    if (response.statusCode() == 402) {
      response.body().close();
      throw new ApiException(
          402,
          "The worker serves paid requests only, and this Console has no playground consumer to"
              + " pay with (payable console --playground-key-file: a key with a deposit in"
              + " ConsumerEscrow).");
    }
    pipe(response, exchange);
  }

  /**
   * The chat completion paid with the playground consumer's voucher, streamed to the browser chunk
   * by chunk as the worker sends them; the last chunk carries the charge. A refusal (402 and the
   * like) comes before anything is streamed and becomes a one-line error; a browser that leaves
   * mid-answer closes the worker's stream, which cancels the request.
   */
  private void paidChat(String worker, ObjectNode request, HttpExchange exchange) throws Exception {
    if (!request.has("max_tokens")) {
      request.put("max_tokens", 64);
    }
    try {
      streamPaidChat(worker, request, exchange);
    } finally {
      saveChannel();
    }
  }

  private void streamPaidChat(String worker, ObjectNode request, HttpExchange exchange)
      throws Exception {
    BrowserStream browser = new BrowserStream(exchange);
    PayingClient.StreamedAnswer answer;
    PayingClient client = payingClient(worker);
    try {
      answer = client.stream("/v1/chat/completions", request, browser::send);
    } catch (UncheckedIOException gone) {
      return; // the browser left; closing the worker's stream told the worker
    } catch (IOException e) {
      if (browser.started()) {
        try {
          browser.error("The worker's answer broke off: " + e.getMessage());
        } catch (UncheckedIOException | IOException gone) {
          // the browser left too
        }
        return;
      }
      throw new ApiException(
          502, "Could not reach the worker at " + worker + ": " + e.getMessage());
    }
    if (answer.status() != 200) {
      JsonNode error = answer.error().path("error");
      String message = error.isObject() ? error.path("message").asText() : error.asText();
      throw new ApiException(answer.status(), "The worker refused the paid request: " + message);
    }
    browser.done();
  }

  /** Server-sent events to the browser, started at the first chunk, each flushed at once. */
  private static final class BrowserStream {
    private final HttpExchange exchange;
    private OutputStream out;

    BrowserStream(HttpExchange exchange) {
      this.exchange = exchange;
    }

    boolean started() {
      return out != null;
    }

    void send(JsonNode chunk) {
      try {
        if (out == null) {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
          exchange.getResponseHeaders().set("Cache-Control", "no-store");
          exchange.sendResponseHeaders(200, 0);
          out = exchange.getResponseBody();
        }
        out.write(("data: " + Json.MAPPER.writeValueAsString(chunk) + "\n\n").getBytes(UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** An error after the stream started: an error event, as OpenAI sends one mid-stream. */
    void error(String message) throws IOException {
      ObjectNode e = Json.MAPPER.createObjectNode();
      e.putObject("error").put("message", message);
      send(e);
      done();
    }

    void done() throws IOException {
      if (out != null) {
        out.write("data: [DONE]\n\n".getBytes(UTF_8));
        out.close();
      }
    }
  }

  /**
   * The playground consumer's paying client, made at the first paid request: the voucher domain is
   * the deployment's escrow, and its count of charges starts at what the escrow has redeemed from
   * it, or at the charges and vouchers kept in the channel file by an earlier run, whichever is
   * higher.
   */
  private synchronized PayingClient payingClient(String worker) throws Exception {
    if (paying == null) {
      Credentials consumer = Credentials.create(config.playgroundConsumerKey().orElseThrow());
      Deployment deployment = chain.deployment();
      EscrowClient escrow =
          EscrowClient.connect(
              new ChainClient(chain.web3j(), deployment.chainId()), deployment, consumer);
      PaymentChannelFile.Totals before =
          config
              .playgroundChannelFile()
              .map(f -> new PaymentChannelFile(f).read())
              .orElse(PaymentChannelFile.Totals.NONE);
      paying =
          new PayingClient(
              URI.create(worker),
              consumer,
              escrow.voucherDomain(),
              escrow.account(consumer.getAddress()).redeemed().max(before.charged()),
              Duration.ofMinutes(10),
              Clock.systemUTC());
      paying.resumeSigned(before.signed());
    }
    return paying;
  }

  /** Keeps the playground consumer's charged and signed totals for the next run, if configured. */
  private synchronized void saveChannel() {
    if (paying != null && config.playgroundChannelFile().isPresent()) {
      new PaymentChannelFile(config.playgroundChannelFile().get())
          .write(PaymentChannelFile.of(paying));
    }
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

  private HttpResponse<InputStream> send(HttpRequest request) throws Exception {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ApiException(
          502, "Could not reach " + request.uri().getHost() + ":" + request.uri().getPort());
    }
  }

  /** Sends the upstream response as it arrives (status, content type, body). */
  private void pipe(HttpRequest request, HttpExchange exchange) throws Exception {
    pipe(send(request), exchange);
  }

  private void pipe(HttpResponse<InputStream> response, HttpExchange exchange) throws Exception {
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
