package io.payable.lora.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * A consumer's side of its payment channel kept in a file, {@code {"charged_wei", "signed_wei"}}:
 * what the workers charged it and the largest voucher it signed. A paying client that restarts from
 * it continues its cumulative vouchers where they were, instead of from what the escrow has
 * redeemed so far (which lags by up to an epoch and would fall short of the worker's count).
 */
public final class PaymentChannelFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The channel's totals; zero for a consumer that never paid. */
  public record Totals(BigInteger charged, BigInteger signed) {
    public static final Totals NONE = new Totals(BigInteger.ZERO, BigInteger.ZERO);

    public Totals {
      Objects.requireNonNull(charged, "charged");
      Objects.requireNonNull(signed, "signed");
      if (charged.signum() < 0 || signed.signum() < 0) {
        throw new IllegalArgumentException("negative channel totals: " + charged + ", " + signed);
      }
    }
  }

  private final Path file;

  /** What {@code client} has been charged and the largest voucher it signed, now. */
  public static Totals of(PayingClient client) {
    return new Totals(client.charged(), client.lastSigned());
  }

  public PaymentChannelFile(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /** The totals written last, or {@link Totals#NONE} when the file does not exist yet. */
  public Totals read() {
    if (!Files.exists(file)) {
      return Totals.NONE;
    }
    try {
      JsonNode json = JSON.readTree(file.toFile());
      return new Totals(
          new BigInteger(json.path("charged_wei").asText("0")),
          new BigInteger(json.path("signed_wei").asText("0")));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "The payment channel file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Replaces the totals atomically: a crash leaves the old file or the new one, never half. */
  public void write(Totals totals) {
    ObjectNode json = JSON.createObjectNode();
    json.put("charged_wei", totals.charged().toString());
    json.put("signed_wei", totals.signed().toString());
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(json));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the payment channel file " + file, e);
    }
  }
}
