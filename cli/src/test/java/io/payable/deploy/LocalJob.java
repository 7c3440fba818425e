package io.payable.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A job of the local standalone cluster, as listed in deploy/local/jobs/NN-name.job (the format is
 * described in 10-ingest.job): its entry class and its program arguments, with ${NAME} placeholders
 * left as they are.
 */
record LocalJob(String name, String entryClass, List<String> arguments) {

  /** Every job file, in submission order. */
  static List<LocalJob> all() {
    Path dir = DeployLayout.repository().resolve("deploy/local/jobs");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".job")).sorted().map(LocalJob::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LocalJob read(Path file) {
    String name =
        file.getFileName().toString().replaceFirst("\\.job$", "").replaceFirst("^\\d+-", "");
    String entryClass = null;
    List<String> arguments = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()
            || line.startsWith("#")
            || line.startsWith("parallelism ")
            || line.startsWith("requires ")) {
          continue;
        }
        if (line.startsWith("if ")) {
          // "if VAR --key value": an argument passed only when VAR is set
          String[] parts = line.split(" ", 2);
          if (parts.length != 2 || parts[1].indexOf(' ') < 0) {
            throw new IllegalArgumentException(file + ": cannot read line: " + line);
          }
          line = parts[1].substring(parts[1].indexOf(' ') + 1);
          if (!line.startsWith("--")) {
            throw new IllegalArgumentException(file + ": not an argument: " + line);
          }
        }
        if (line.startsWith("class ")) {
          entryClass = line.substring("class ".length()).trim();
        } else if (line.startsWith("--")) {
          int space = line.indexOf(' ');
          arguments.add(line.substring(0, space));
          arguments.add(line.substring(space + 1));
        } else {
          throw new IllegalArgumentException(file + ": cannot read line: " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (entryClass == null) {
      throw new IllegalArgumentException(file + " names no class");
    }
    return new LocalJob(name, entryClass, List.copyOf(arguments));
  }
}
