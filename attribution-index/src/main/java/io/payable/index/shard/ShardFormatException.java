package io.payable.index.shard;

import java.nio.file.Path;

/** A shard file is missing, truncated, corrupted or of an unknown format. */
public final class ShardFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Path file;

  public ShardFormatException(Path file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  public ShardFormatException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  /** The offending file. */
  public Path file() {
    return file;
  }
}
