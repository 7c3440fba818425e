package io.payable.models;

/**
 * A checkpoint, adapter or tokenizer that cannot be served as it is. The message is one line that
 * names the file, the tensor or field, and what was expected, so a CLI can print it as is.
 */
public final class InvalidModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidModelException(String message) {
    super(message);
  }

  public InvalidModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
