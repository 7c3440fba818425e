package io.payable.factory.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 of files and of directories. A directory's digest is the SHA-256 of its {@code sha256sum}
 * listing: one line {@code <hex> <name>\n} per regular file, sorted by name, so anyone can
 * recompute it with {@code sha256sum $(ls) | sha256sum} in the directory.
 */
public final class FileDigests {

  private FileDigests() {}

  /** Lower-case hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** Name -> SHA-256 of every regular file directly in {@code dir}, except {@code skipped}. */
  public static Map<String, String> files(Path dir, Set<String> skipped) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.sorted().toList()) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && !skipped.contains(name)) {
          out.put(name, sha256(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + dir, e);
    }
    return out;
  }

  /** The SHA-256 of the {@code sha256sum} listing of {@code files} (name -> hex digest). */
  public static String listingDigest(Map<String, String> files) {
    StringBuilder listing = new StringBuilder();
    new TreeMap<>(files)
        .forEach((name, hex) -> listing.append(hex).append("  ").append(name).append('\n'));
    return sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
