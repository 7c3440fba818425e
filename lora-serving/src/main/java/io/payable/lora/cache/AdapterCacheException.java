package io.payable.lora.cache;

/** A cache request that cannot be served; {@link #kind()} tells the caller (and HTTP) why. */
public final class AdapterCacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Kind {
    UNKNOWN_ADAPTER,
    ALL_SLOTS_PINNED,
    IN_USE,
    PINNED,
    LOAD_FAILED,
    TIMEOUT
  }

  private final Kind kind;

  public AdapterCacheException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
