package io.payable.lora.payment;

import io.payable.contracts.client.EscrowAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link EscrowView} that reads each consumer's account at most once per {@code maxStaleness}: a
 * worker relies on a deposit that may have changed since, for at most that long. The escrow's
 * withdrawal delay (two epochs) is far longer, so a withdrawal is seen long before it can be paid.
 */
public final class CachedEscrowView implements EscrowView {

  private record Entry(EscrowAccount account, Instant readAt) {}

  private final EscrowView chain;
  private final Duration maxStaleness;
  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public CachedEscrowView(EscrowView chain, Duration maxStaleness, Clock clock) {
    if (maxStaleness.isNegative()) {
      throw new IllegalArgumentException("maxStaleness must be >= 0: " + maxStaleness);
    }
    this.chain = chain;
    this.maxStaleness = maxStaleness;
    this.clock = clock;
  }

  @Override
  public EscrowAccount account(String consumer) throws Exception {
    String key = consumer.toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    Entry e = entries.get(key);
    if (e != null && !e.readAt().plus(maxStaleness).isBefore(now)) {
      return e.account();
    }
    EscrowAccount fresh = chain.account(key);
    entries.put(key, new Entry(fresh, now));
    return fresh;
  }
}
