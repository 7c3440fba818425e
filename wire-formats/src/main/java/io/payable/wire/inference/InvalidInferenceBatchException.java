package io.payable.wire.inference;

/**
 * A signed inference-event batch that cannot be accepted. Every decoding or verification failure
 * surfaces as this exception with a {@link Reason} code, so a reader can route the record to a
 * rejections topic instead of crashing.
 */
public final class InvalidInferenceBatchException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a batch was refused; stable names, used as reason codes in rejection records. */
  public enum Reason {
    TOO_LARGE,
    TRUNCATED,
    BAD_MAGIC,
    UNSUPPORTED_VERSION,
    BAD_SIGNATURE,
    UNKNOWN_WORKER,
    WORKER_MISMATCH,
    MALFORMED_ARROW,
    SCHEMA_MISMATCH,
    INVALID_FIELD,
    EMPTY
  }

  private final Reason reason;

  public InvalidInferenceBatchException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public InvalidInferenceBatchException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
