package io.payable.contracts.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;

/**
 * Where a signing key comes from, never the key itself, so configuration files and logs can name it
 * safely: {@code env:VAR} (a hex private key in an environment variable) or {@code file:PATH} (a
 * file holding the hex private key, readable only by the job's user).
 */
public final class KeySource {

  private KeySource() {}

  /** Loads the key that {@code spec} names. */
  public static Credentials load(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("no key source given (env:VAR or file:PATH)");
    }
    String hex;
    if (spec.startsWith("env:")) {
      String variable = spec.substring(4);
      hex = System.getenv(variable);
      if (hex == null || hex.isBlank()) {
        throw new IllegalArgumentException("environment variable " + variable + " is not set");
      }
    } else if (spec.startsWith("file:")) {
      Path file = Path.of(spec.substring(5));
      try {
        hex = Files.readString(file, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read key file " + file, e);
      }
    } else {
      throw new IllegalArgumentException(
          "unsupported key source '" + spec + "': use env:VAR or file:PATH");
    }
    hex = hex.strip();
    if (!hex.matches("(0x)?[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("the key from " + spec + " is not a 32-byte hex key");
    }
    return Credentials.create(hex);
  }
}
