package io.payable.contracts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/** Runs a script of {@code contracts/scripts} with node, JSON in on stdin, JSON out on stdout. */
public final class NodeScript {

  private NodeScript() {}

  public static String run(String script, String stdin) {
    Path dir = moduleDir();
    try {
      Process process =
          new ProcessBuilder("node", "scripts/" + script)
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("node " + script + " failed: " + out);
      }
      return out.trim();
    } catch (IOException e) {
      throw new IllegalStateException("could not run node " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The contracts module directory (tests run in it under Maven; from the root otherwise). */
  static Path moduleDir() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/merkle-tree.js"))) {
        return dir;
      }
      if (Files.isRegularFile(dir.resolve("contracts/scripts/merkle-tree.js"))) {
        return dir.resolve("contracts");
      }
    }
    throw new IllegalStateException("contracts/scripts not found from the working directory");
  }
}
