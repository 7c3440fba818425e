package io.payable.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SettlementScheduleTest {

  /** The first open epoch by walking epochs one by one, as the definition reads. */
  private static long firstOpenByWalking(SettlementSchedule s, long watermark) {
    long epoch = 0;
    while (s.isClosed(epoch, watermark)) {
      epoch++;
    }
    return epoch;
  }

  @Property
  void firstOpenEpochIsTheSmallestEpochNotClosed(
      @ForAll @LongRange(min = 1, max = 5_000) long length,
      @ForAll @LongRange(min = 0, max = 3_000) long lateness,
      @ForAll @LongRange(min = -10_000, max = 200_000) long watermark) {
    SettlementSchedule s = new SettlementSchedule(length, lateness);
    assertThat(s.firstOpenEpoch(watermark)).isEqualTo(firstOpenByWalking(s, watermark));
  }

  @Property
  void creditsGoToAnOpenEpochAfterAnySettledOneAndOnlyLateRecordsMove(
      @ForAll @LongRange(min = 1, max = 5_000) long length,
      @ForAll @LongRange(min = 0, max = 3_000) long lateness,
      @ForAll @LongRange(min = 0, max = 100) long epoch,
      @ForAll @LongRange(min = -1, max = 500_000) long watermark,
      @ForAll @LongRange(min = -1, max = 100) long lastSettled) {
    SettlementSchedule s = new SettlementSchedule(length, lateness);
    long last = lastSettled < 0 ? Long.MIN_VALUE : lastSettled;
    long credited = s.creditedEpoch(epoch, watermark, last);
    assertThat(credited).isGreaterThanOrEqualTo(epoch);
    assertThat(s.isClosed(credited, watermark)).isFalse();
    if (last != Long.MIN_VALUE) {
      assertThat(credited).isGreaterThan(last);
    }
    if (!s.isClosed(epoch, watermark) && (last == Long.MIN_VALUE || epoch > last)) {
      assertThat(credited).isEqualTo(epoch);
    }
  }

  @Test
  void anHourlyEpochClosesAtItsEndPlusTheLateness() {
    SettlementSchedule s = new SettlementSchedule(3_600_000, 300_000);
    assertThat(s.closeTime(10)).isEqualTo(11 * 3_600_000L + 300_000);
    assertThat(s.isClosed(10, 11 * 3_600_000L + 299_999)).isFalse();
    assertThat(s.isClosed(10, 11 * 3_600_000L + 300_000)).isTrue();
    // A record of epoch 10 after epoch 10 closed goes to epoch 11.
    assertThat(s.creditedEpoch(10, 11 * 3_600_000L + 300_000, Long.MIN_VALUE)).isEqualTo(11);
  }
}
