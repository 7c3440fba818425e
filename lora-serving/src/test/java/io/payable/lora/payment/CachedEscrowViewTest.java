package io.payable.lora.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.client.EscrowAccount;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedEscrowViewTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.ofEpochSecond(1_800_000_000L);

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void anAccountIsReadAgainOnlyOnceItIsOlderThanTheBound() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    EscrowView chain =
        consumer ->
            new EscrowAccount(
                BigInteger.valueOf(reads.incrementAndGet()), BigInteger.ZERO, BigInteger.ZERO, 0);
    ManualClock clock = new ManualClock();
    CachedEscrowView view = new CachedEscrowView(chain, Duration.ofSeconds(10), clock);
    String alice = "0x00000000000000000000000000000000000000AA";

    assertThat(view.account(alice).balance()).isEqualTo(BigInteger.ONE);
    clock.now = clock.now.plusSeconds(10);
    // Exactly at the bound the cached read is still used; the address's case does not matter.
    assertThat(view.account(alice.toLowerCase()).balance()).isEqualTo(BigInteger.ONE);
    clock.now = clock.now.plusMillis(1);
    assertThat(view.account(alice).balance()).isEqualTo(BigInteger.TWO);
    assertThat(reads).hasValue(2);
    // Another consumer has its own entry.
    view.account("0x00000000000000000000000000000000000000bb");
    assertThat(reads).hasValue(3);
    // A bound of zero reads every time time has moved.
    CachedEscrowView fresh = new CachedEscrowView(chain, Duration.ZERO, clock);
    fresh.account(alice);
    clock.now = clock.now.plusMillis(1);
    fresh.account(alice);
    assertThat(reads).hasValue(5);
  }
}
