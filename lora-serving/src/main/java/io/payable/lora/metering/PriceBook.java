package io.payable.lora.metering;

import io.payable.wire.inference.InferenceEvent.PriceBasis;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adapter prices in wei per output token: a default plus per-adapter overrides (from a {@code
 * prices.properties} file, {@code adapterId=wei}, or from the model registry).
 */
public final class PriceBook {
  private final BigInteger defaultPrice;
  private final Map<String, BigInteger> prices = new ConcurrentHashMap<>();

  public PriceBook(BigInteger defaultPrice) {
    if (defaultPrice.signum() < 0) {
      throw new IllegalArgumentException("price must be >= 0");
    }
    this.defaultPrice = defaultPrice;
  }

  /** Reads {@code adapterId=wei} lines. */
  public PriceBook load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    for (String id : p.stringPropertyNames()) {
      set(id, new BigInteger(p.getProperty(id).trim()));
    }
    return this;
  }

  public void set(String adapterId, BigInteger weiPerToken) {
    if (weiPerToken.signum() < 0) {
      throw new IllegalArgumentException("price of " + adapterId + " must be >= 0");
    }
    prices.put(adapterId, weiPerToken);
  }

  public BigInteger price(String adapterId) {
    return adapterId == null ? defaultPrice : prices.getOrDefault(adapterId, defaultPrice);
  }

  public PriceBasis basis() {
    return PriceBasis.PER_OUTPUT_TOKEN;
  }

  /** fee = price x output tokens, exact in wei. */
  public BigInteger fee(String adapterId, int outputTokens) {
    return price(adapterId).multiply(BigInteger.valueOf(outputTokens));
  }
}
