package io.payable.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Console: its pages (static files built into the jar) and the JSON APIs they call, on the
 * JDK's HTTP server (the same stack as the LoRA worker). Every error is answered as {@code
 * {"error": "one line"}} with a 4xx/5xx status, never as a stack trace.
 *
 * <pre>
 * GET  /api/info                         chain id, addresses, what is configured
 * GET  /api/datanets                     Datanets with contributions, contributors, tokens, shards
 * GET  /api/datanets/{id}/contributions  ?page=&amp;size=&amp;q= (contributor, id, hash or licence)
 * POST /api/contributions/prepare        {datanet_id, contributor, content, license} -> typed data
 * POST /api/contributions                {... , nonce, timestamp, signature} -> submitted
 * GET  /api/contributions/{id}           pending / accepted (with anchor proof) / rejected (reason)
 * GET  /api/attributions                 recent attributed events
 * GET  /api/attributions/{eventId}       output, spans, shares, exact fee split, epoch root
 * POST /api/trace                        {output} -> the attributed events with that output
 * GET  /api/payouts/{account}            per-epoch earnings, claimable / pending / claimed, claim tx
 * GET  /api/consumers/{consumer}         spend per epoch, escrow balance
 * POST /api/consumers/{address}/deposit  {amount_wei} -> the approve and deposit transactions
 * POST /api/consumers/{address}/escrow/deposit|withdrawal|withdraw
 *                                         the Console-held consumer's deposit and withdrawal
 * POST /api/chat                         streams a worker's chat completion (SSE)
 * *    /api/trainings[/...]              the ModelFactory API, forwarded
 * </pre>
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String WEB_ROOT = "/io/payable/console/web/";
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "json", "application/json");

  /** A JSON endpoint: returns the value to serialise. */
  interface Handler {
    Object handle(Request request) throws Exception;
  }

  /** An endpoint that writes its own response (streams). */
  interface RawHandler {
    void handle(Request request, HttpExchange exchange) throws Exception;
  }

  private record Route(String method, Pattern pattern, Handler json, RawHandler raw) {}

  private final ConsoleConfig config;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Route> routes = new ArrayList<>();
  private final List<AutoCloseable> parts = new ArrayList<>();

  private ConsoleServer(ConsoleConfig config) throws IOException {
    this.config = config;
    this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
    this.executor = Executors.newFixedThreadPool(8, r -> daemon(r, "console-http"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts the Console; close it to stop. */
  public static ConsoleServer start(ConsoleConfig config) throws IOException {
    ConsoleServer console = new ConsoleServer(config);
    try {
      console.wire();
    } catch (RuntimeException e) {
      console.close();
      throw e;
    }
    console.server.start();
    LOG.info("Console listening on {}", console.url());
    return console;
  }

  private void wire() {
    Warehouse warehouse = own(new Warehouse(config.warehouse()));
    ChainReads chain = own(new ChainReads(config.rpcUrl(), config.deploymentJson()));
    InferenceOutputs outputs =
        own(InferenceOutputs.start(config.bootstrapServers(), config.inferenceTopic()));
    ContributionGateway gateway =
        own(new ContributionGateway(config, chain, warehouse, config.submissionsTopic()));
    DatanetsApi datanets = new DatanetsApi(warehouse, chain);
    TraceApi trace = new TraceApi(warehouse, chain, outputs);
    PayoutsApi payouts = new PayoutsApi(warehouse, chain);
    HeldConsumer held = new HeldConsumer(config, chain);
    ConsumersApi consumers = new ConsumersApi(warehouse, chain, held.address());
    Proxies proxies = new Proxies(config, chain);

    get("/api/info", r -> info(chain));
    get("/api/datanets", r -> datanets.list());
    get("/api/datanets/(0x[0-9a-fA-F]{64})/contributions", datanets::contributions);
    post("/api/contributions/prepare", gateway::prepare);
    post("/api/contributions", gateway::submit);
    get("/api/contributions/(0x[0-9a-fA-F]{64})", gateway::status);
    get("/api/attributions", trace::recent);
    get("/api/attributions/([^/]+)", trace::event);
    post("/api/trace", trace::byOutput);
    get("/api/payouts/(0x[0-9a-fA-F]{40})", payouts::account);
    get("/api/consumers/([^/]+)", consumers::consumer);
    post("/api/consumers/(0x[0-9a-fA-F]{40})/deposit", consumers::deposit);
    post("/api/consumers/(0x[0-9a-fA-F]{40})/escrow/deposit", held::deposit);
    post("/api/consumers/(0x[0-9a-fA-F]{40})/escrow/withdrawal", held::requestWithdrawal);
    post("/api/consumers/(0x[0-9a-fA-F]{40})/escrow/withdraw", held::withdraw);
    raw("POST", "/api/chat", proxies::chat);
    raw("GET", "/api/models", proxies::models);
    raw("GET", "/api/trainings(/.*)?", proxies::modelFactory);
    raw("POST", "/api/trainings(/.*)?", proxies::modelFactory);
    raw("DELETE", "/api/trainings(/.*)?", proxies::modelFactory);
    get("/api/(.*)", r -> notFound(r.path()));
  }

  private Object info(ChainReads chain) {
    ObjectNode out = Json.object();
    out.put("chain_id", chain.deployment().chainId());
    out.put("rpc_url", config.rpcUrl());
    out.put("datanet_registry", chain.deployment().datanetRegistry());
    out.put("reward_distributor", chain.deployment().rewardDistributor());
    out.put("open_token", chain.deployment().openToken());
    if (chain.deployment().consumerEscrow() != null) {
      out.put("consumer_escrow", chain.deployment().consumerEscrow());
    }
    out.put("worker", config.workerUrl().isPresent());
    out.put("model_factory", config.modelFactoryUrl().isPresent());
    out.put("warehouse", config.warehouse());
    return out;
  }

  private static Object notFound(String path) {
    throw ApiException.notFound("No such API: " + path);
  }

  private <T extends AutoCloseable> T own(T part) {
    parts.add(part);
    return part;
  }

  private void get(String regex, Handler h) {
    routes.add(new Route("GET", Pattern.compile(regex), h, null));
  }

  private void post(String regex, Handler h) {
    routes.add(new Route("POST", Pattern.compile(regex), h, null));
  }

  private void raw(String method, String regex, RawHandler h) {
    routes.add(new Route(method, Pattern.compile(regex), null, h));
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8088/}. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort() + "/";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      if (path.startsWith("/api/")) {
        api(exchange, path);
      } else {
        serveStatic(exchange, path);
      }
    } catch (IOException e) {
      LOG.debug("Client went away on {}", path, e);
    }
  }

  private void api(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    try {
      for (Route route : routes) {
        Matcher m = route.pattern().matcher(path);
        if (!m.matches()) {
          continue;
        }
        if (!route.method().equals(method)) {
          continue;
        }
        List<String> groups = new ArrayList<>();
        for (int i = 1; i <= m.groupCount(); i++) {
          groups.add(m.group(i));
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readNBytes(2 << 20);
        }
        Request request =
            new Request(
                path, groups, Request.parseQuery(exchange.getRequestURI().getRawQuery()), body);
        long start = System.nanoTime();
        if (route.raw() != null) {
          route.raw().handle(request, exchange);
        } else {
          send(exchange, 200, Json.MAPPER.writeValueAsBytes(route.json().handle(request)));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (millis > 1_000 && route.raw() == null) {
          LOG.info("{} {} took {} ms", method, path, millis);
        }
        return;
      }
      throw new ApiException(405, "Method " + method + " not allowed on " + path);
    } catch (ApiException e) {
      error(exchange, e.status(), e.getMessage());
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage());
    } catch (Exception e) {
      // What the Console depends on (chain, warehouse, Kafka, a service) failed: one line for the
      // page, the trace in the log.
      LOG.warn("{} {} failed", method, path, e);
      error(exchange, 502, "Upstream failure: " + oneLine(e));
    }
  }

  /** The message of the root cause, on one line. */
  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode body = Json.object();
    body.put("error", message == null ? "Error" : message);
    send(exchange, status, Json.MAPPER.writeValueAsBytes(body));
  }

  static void send(HttpExchange exchange, int status, byte[] json) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, json.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(json);
    }
  }

  private void serveStatic(HttpExchange exchange, String path) throws IOException {
    if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
      error(exchange, 405, "Method not allowed");
      return;
    }
    // Pages are client-side routes: every path without an extension is the app's index.
    String name = path.equals("/") || !path.contains(".") ? "index.html" : path.substring(1);
    if (name.contains("..") || !name.matches("[A-Za-z0-9._/-]+")) {
      error(exchange, 404, "Not found");
      return;
    }
    byte[] bytes;
    try (InputStream in = ConsoleServer.class.getResourceAsStream(WEB_ROOT + name)) {
      if (in == null) {
        byte[] text = ("Not found: " + path).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(404, text.length);
        exchange.getResponseBody().write(text);
        return;
      }
      bytes = in.readAllBytes();
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    exchange
        .getResponseHeaders()
        .set("Content-Type", CONTENT_TYPES.getOrDefault(ext, "application/octet-stream"));
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        LOG.debug("Error closing {}", parts.get(i).getClass().getSimpleName(), e);
      }
    }
  }
}
