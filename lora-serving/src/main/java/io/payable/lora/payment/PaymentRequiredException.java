package io.payable.lora.payment;

import java.util.Objects;

/** A request the consumer has not paid for; answered 402 with {@link #reason()} as the code. */
public final class PaymentRequiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final PaymentReason reason;

  public PaymentRequiredException(PaymentReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public PaymentReason reason() {
    return reason;
  }
}
