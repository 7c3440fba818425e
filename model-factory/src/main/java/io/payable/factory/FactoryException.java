package io.payable.factory;

/**
 * A run, verification or publication refused for a reason the user can act on: one line, with a
 * stable reason code (docs/model-factory.md lists them). Nothing is left half-written or registered
 * when one is thrown.
 */
public final class FactoryException extends RuntimeException {

  private final String reason;

  public FactoryException(String reason, String message) {
    super(firstLine(message));
    this.reason = reason;
  }

  public FactoryException(String reason, String message, Throwable cause) {
    super(firstLine(message), cause);
    this.reason = reason;
  }

  // Parsers and libraries append source excerpts on further lines; the user gets one line.
  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("").strip();
  }

  /** The reason code, e.g. {@code unknown_datanet} or {@code empty_dataset}. */
  public String reason() {
    return reason;
  }
}
