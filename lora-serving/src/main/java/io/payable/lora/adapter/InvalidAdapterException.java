package io.payable.lora.adapter;

/** An adapter directory that does not fit the base model; the message says what is wrong. */
public final class InvalidAdapterException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidAdapterException(String adapterId, String message) {
    super("adapter " + adapterId + ": " + message);
  }

  public InvalidAdapterException(String adapterId, String message, Throwable cause) {
    super("adapter " + adapterId + ": " + message, cause);
  }
}
