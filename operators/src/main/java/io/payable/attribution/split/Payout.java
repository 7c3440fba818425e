package io.payable.attribution.split;

import java.math.BigInteger;
import java.util.Objects;

/** Wei paid to one recipient in one role. */
public record Payout(String recipient, PayoutRole role, BigInteger amount) {

  public Payout {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(role, "role");
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("negative payout " + amount);
    }
  }
}
