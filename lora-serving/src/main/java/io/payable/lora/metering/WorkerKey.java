package io.payable.lora.metering;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.web3j.crypto.ECKeyPair;

/**
 * Loads the worker's secp256k1 signing key from a file or an environment variable holding the hex
 * private key. The key is never logged; only its address is.
 */
public final class WorkerKey {
  public static final String ENV = "PAYABLE_WORKER_KEY";

  private WorkerKey() {}

  public static ECKeyPair fromHex(String hex) {
    String h = hex.strip();
    if (h.startsWith("0x") || h.startsWith("0X")) {
      h = h.substring(2);
    }
    if (!h.matches("[0-9a-fA-F]{1,64}")) {
      throw new IllegalArgumentException("worker key is not a hex secp256k1 private key");
    }
    return ECKeyPair.create(new BigInteger(h, 16));
  }

  public static ECKeyPair fromFile(Path file) throws IOException {
    return fromHex(Files.readString(file, StandardCharsets.US_ASCII));
  }

  /** From {@code file} when given, else from {@link #ENV}. */
  public static ECKeyPair load(Path file) throws IOException {
    if (file != null) {
      return fromFile(file);
    }
    String env = System.getenv(ENV);
    if (env == null || env.isBlank()) {
      throw new IllegalArgumentException(
          "no worker key: pass --worker-key-file or set " + ENV + " (hex private key)");
    }
    return fromHex(env);
  }
}
