package io.payable.settlement;

import java.io.Serializable;

/**
 * When settlement epochs close. Epoch {@code e} covers event times {@code [e*L, (e+1)*L)} (L the
 * epoch length from ProtocolParams); it closes when the watermark reaches {@code (e+1)*L +
 * allowedLateness}. A record of an epoch that has already closed is credited to the first epoch
 * still open and flagged late.
 *
 * @param epochLengthMillis epoch length, milliseconds
 * @param allowedLatenessMillis how long after its end an epoch still takes records
 */
public record SettlementSchedule(long epochLengthMillis, long allowedLatenessMillis)
    implements Serializable {

  public SettlementSchedule {
    if (epochLengthMillis <= 0 || allowedLatenessMillis < 0) {
      throw new IllegalArgumentException(
          "epoch length must be positive and lateness not negative: "
              + epochLengthMillis
              + ", "
              + allowedLatenessMillis);
    }
  }

  /**
   * The watermark at which {@code epoch} closes (event-time timer timestamp), saturated at the ends
   * of time: an epoch past the last representable watermark closes at the end of the input.
   */
  public long closeTime(long epoch) {
    try {
      return Math.addExact(
          Math.multiplyExact(Math.addExact(epoch, 1), epochLengthMillis), allowedLatenessMillis);
    } catch (ArithmeticException beyond) {
      return epoch < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Whether {@code epoch} is closed once the watermark is {@code watermark}. */
  public boolean isClosed(long epoch, long watermark) {
    return watermark >= closeTime(epoch);
  }

  /** The first epoch not yet closed at {@code watermark} (0 before any watermark). */
  public long firstOpenEpoch(long watermark) {
    long shifted = watermark - allowedLatenessMillis;
    if (shifted < 0) {
      return 0;
    }
    // The smallest e with (e+1)*L + lateness > watermark.
    return shifted / epochLengthMillis;
  }

  /**
   * The epoch a record of {@code epoch} is credited to: its own while open, else the first open
   * one, and never one at or below {@code lastClosed} (the newest epoch this key already closed;
   * Long.MIN_VALUE when none).
   */
  public long creditedEpoch(long epoch, long watermark, long lastClosed) {
    long target = epoch;
    if (isClosed(epoch, watermark)) {
      target = Math.max(target, firstOpenEpoch(watermark));
    }
    if (lastClosed != Long.MIN_VALUE && target <= lastClosed) {
      target = lastClosed + 1;
    }
    return target;
  }
}
