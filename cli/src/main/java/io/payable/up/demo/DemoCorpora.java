package io.payable.up.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public-domain texts of the demo, one passage per line, written by the build next to the CLI
 * ({@code payable-cli/corpora}): Moby Dick, State of the Union addresses and the Brown corpus.
 */
public final class DemoCorpora {

  /** Datanet name to corpus file. */
  static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("moby-dick", "moby-dick.txt");
    FILES.put("state-of-the-union", "sotu.txt");
    FILES.put("brown", "brown.txt");
  }

  private DemoCorpora() {}

  /** The corpora directory next to the running code (the CLI jar, or the build's classes). */
  static Path locate() {
    return find()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "demo corpora not found next to the CLI; build with ./mvnw -B -q -DskipTests"
                        + " package"));
  }

  /**
   * The corpora directory the build writes next to the CLI ({@code corpora} beside the jar, or
   * {@code payable-cli/corpora} beside the build's classes), if there is one.
   */
  public static Optional<Path> find() {
    try {
      Path code =
          Path.of(DemoCorpora.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path candidate :
          List.of(
              code.resolveSibling("corpora"),
              code.resolveSibling("payable-cli").resolve("corpora"))) {
        if (Files.isDirectory(candidate)) {
          return Optional.of(candidate);
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // Not a file-system code source: no corpora next to it.
    }
    return Optional.empty();
  }

  /** The first {@code limit} passages of a corpus. */
  static List<String> passages(Path dir, String datanet, int limit) {
    return lines(dir, datanet).stream().limit(limit).toList();
  }

  /** Passages after the first {@code skip}: text no contribution holds. */
  static List<String> heldOut(Path dir, String datanet, int skip, int limit) {
    return lines(dir, datanet).stream().skip(skip).limit(limit).toList();
  }

  private static List<String> lines(Path dir, String datanet) {
    try {
      return Files.readAllLines(dir.resolve(FILES.get(datanet)), StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
