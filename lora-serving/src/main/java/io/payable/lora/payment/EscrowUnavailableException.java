package io.payable.lora.payment;

/** The consumer's escrow account cannot be read (chain unreachable); answered 503, retry later. */
public final class EscrowUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EscrowUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
