package io.payable.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person sees: {@code bin/payable up}, launched as a user launches it (the packaged CLI, its
 * log4j configuration, its JVM options), prints the endpoints and the log file's path on a clean
 * terminal: no WARN line and no stack trace, on standard output or standard error; the log goes to
 * the file under the data directory.
 */
class UpTerminalITCase {

  @Test
  void theTerminalShowsNoWarningAndNoStackTrace(@TempDir Path dataDir) throws Exception {
    Path launcher = Path.of("..", "bin", "payable").toAbsolutePath().normalize();
    Path output = dataDir.resolveSibling(dataDir.getFileName() + "-terminal.txt");
    Process p =
        new ProcessBuilder(
                launcher.toString(),
                "up",
                "--no-demo",
                "--duration",
                "3s",
                "--data-dir",
                dataDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("payable up stopped").isTrue();
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    String text = String.join("\n", lines);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text).contains("Payable is up.").contains("Payable stopped.");
    assertThat(lines)
        .as(text)
        .noneMatch(l -> l.contains("WARN"))
        .noneMatch(l -> l.matches("\\s+at [\\w.$]+\\(.*\\)"))
        .noneMatch(l -> l.contains("Exception"));
    Path log = dataDir.resolve("logs").resolve("payable.log");
    assertThat(text).contains("Log                     : " + log);
    assertThat(log).isNotEmptyFile();
  }
}
