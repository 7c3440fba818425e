package io.payable.up.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cumulative wei totals by account, kept in a JSON file of the data directory ({@code {"0xab..":
 * "1200"}}): what the demo worker charged each consumer, so that a restart on the same data
 * directory continues its count where it stopped (each consumer keeps its own side in a {@link
 * io.payable.lora.client.PaymentChannelFile}). Amounts are decimal strings (exact, unlike JSON
 * numbers in most readers).
 */
final class WeiTotals {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private WeiTotals() {}

  /** The totals in {@code file}; empty when there is no file (a first run). */
  static Map<String, BigInteger> read(Path file) throws IOException {
    Map<String, BigInteger> out = new TreeMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    JsonNode root = JSON.readTree(file.toFile());
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      BigInteger wei = new BigInteger(e.getValue().asText());
      if (wei.signum() < 0) {
        throw new IOException("negative total " + wei + " for " + e.getKey() + " in " + file);
      }
      out.put(e.getKey().toLowerCase(Locale.ROOT), wei);
    }
    return out;
  }

  /** Replaces {@code file} with {@code totals}, atomically (a crash leaves the old file whole). */
  static void write(Path file, Map<String, BigInteger> totals) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    new TreeMap<>(totals).forEach((account, wei) -> root.put(account, wei.toString()));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), root);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
