package io.payable.lora.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.crypto.Credentials;

/**
 * A consumer's client of paying workers: signs the next voucher for each request automatically.
 *
 * <p>For each request it reads the model's price from {@code GET /v1/models} (once per model),
 * computes the request's maximum fee ({@code max_tokens x price}) and signs a voucher for what the
 * workers have charged so far (the sum of each worker's {@code consumer_charged_wei}, starting at
 * what the escrow has redeemed), plus the maximum fees of its requests still running, plus this
 * one's. Vouchers never go down. Thread-safe: concurrent requests each reserve their maximum.
 */
public final class PayingClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI worker;
  private final Credentials consumer;
  private final Eip712Domain domain;
  private final Duration voucherLifetime;
  private final Clock clock;
  private final Map<String, BigInteger> prices = new ConcurrentHashMap<>();
  private final Map<String, BigInteger> chargedByWorker = new ConcurrentHashMap<>();
  private final BigInteger chargedBefore;
  private BigInteger running = BigInteger.ZERO;
  private BigInteger lastSigned = BigInteger.ZERO;

  /**
   * @param worker the worker's base URL, e.g. {@code http://127.0.0.1:8090}
   * @param consumer the consumer's key (the depositor in ConsumerEscrow)
   * @param domain the escrow's voucher domain ({@code EscrowClient.voucherDomain()})
   * @param redeemed what the escrow has redeemed from the consumer so far (its account's {@code
   *     redeemed}): where a worker's count of the consumer's charges starts
   * @param voucherLifetime how long each voucher is valid for serving
   */
  public PayingClient(
      URI worker,
      Credentials consumer,
      Eip712Domain domain,
      BigInteger redeemed,
      Duration voucherLifetime,
      Clock clock) {
    this.worker = Objects.requireNonNull(worker, "worker");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.domain = Objects.requireNonNull(domain, "domain");
    this.chargedBefore = Objects.requireNonNull(redeemed, "redeemed");
    this.voucherLifetime = voucherLifetime;
    this.clock = clock;
  }

  /** The answer of one request: HTTP status and body. */
  public record Answer(int status, JsonNode body) {}

  /**
   * Sends {@code body} (which names {@code model} and {@code max_tokens}) to {@code path} ({@code
   * /v1/completions} or {@code /v1/chat/completions}) with a fresh voucher.
   */
  public Answer post(String path, ObjectNode body) throws IOException, InterruptedException {
    String model = body.path("model").asText();
    int maxTokens = body.path("max_tokens").asInt(16);
    BigInteger maxFee = price(model).multiply(BigInteger.valueOf(maxTokens));
    SignedVoucher voucher;
    synchronized (this) {
      BigInteger needed = charged().add(running).add(maxFee);
      lastSigned = lastSigned.max(needed);
      running = running.add(maxFee);
      voucher =
          SignedVoucher.sign(
              domain,
              new Voucher(
                  consumer.getAddress(),
                  lastSigned,
                  clock.instant().plus(voucherLifetime).getEpochSecond()),
              consumer);
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(worker.resolve(path))
                  .header("Content-Type", "application/json")
                  .header(SignedVoucher.HEADER, voucher.toHeader())
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(r.body());
      JsonNode pay = answer.path("payable");
      if (r.statusCode() == 200 && pay.has("consumer_charged_wei")) {
        chargedByWorker.merge(
            pay.path("worker").asText(),
            new BigInteger(pay.path("consumer_charged_wei").asText()),
            BigInteger::max);
      }
      return new Answer(r.statusCode(), answer);
    } finally {
      synchronized (this) {
        running = running.subtract(maxFee);
      }
    }
  }

  /** What the workers have charged this consumer, as far as this client knows. */
  public synchronized BigInteger charged() {
    // Each worker's total starts at what was redeemed before; count that once.
    BigInteger sum = chargedBefore;
    for (BigInteger c : chargedByWorker.values()) {
      sum = sum.add(c.subtract(chargedBefore).max(BigInteger.ZERO));
    }
    return sum;
  }

  /**
   * Continues from the vouchers this consumer signed before (an earlier run of its application):
   * the next voucher is for at least {@code signed}, so vouchers never go down across restarts.
   */
  public synchronized void resumeSigned(BigInteger signed) {
    lastSigned = lastSigned.max(Objects.requireNonNull(signed, "signed"));
  }

  /** The amount of the latest voucher signed. */
  public synchronized BigInteger lastSigned() {
    return lastSigned;
  }

  private BigInteger price(String model) throws IOException, InterruptedException {
    BigInteger known = prices.get(model);
    if (known != null) {
      return known;
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(worker.resolve("/v1/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    for (JsonNode m : JSON.readTree(r.body()).path("data")) {
      if (m.has("price_wei")) {
        prices.put(m.path("id").asText(), new BigInteger(m.path("price_wei").asText()));
      }
    }
    BigInteger price = prices.get(model);
    if (price == null) {
      throw new IOException("the worker lists no price for model " + model);
    }
    return price;
  }
}
