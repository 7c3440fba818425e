package io.payable.up;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.cli.PayableCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code payable up --duration} starts the stack, prints where it is, and stops cleanly. */
class UpCommandITCase {

  @Test
  void upPrintsTheAddressesAndStopsAfterTheDuration(@TempDir Path dataDir) {
    StringWriter out = new StringWriter();
    CommandLine cli = PayableCli.newCommandLine().setOut(new PrintWriter(out));

    long start = System.nanoTime();
    int exit = cli.execute("up", "--no-demo", "--duration", "2s", "--data-dir", dataDir.toString());
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(exit).isZero();
    String text = out.toString();
    assertThat(text).contains("Payable is up.").contains("Payable stopped.");
    Matcher kafka = Pattern.compile("Kafka bootstrap servers : (\\S+)").matcher(text);
    assertThat(kafka.find()).isTrue();
    assertThat(text).containsPattern("Chain RPC \\(anvil\\)\\s+: http://127\\.0\\.0\\.1:\\d+");
    assertThat(text).containsPattern("Flink REST\\s+: http://127\\.0\\.0\\.1:\\d+");
    // Without the demo there are no contracts for the Console to read: it says so.
    assertThat(text).containsPattern("Console\\s+: not started");
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(2_000);
    // --data-dir keeps the warehouse and chain state.
    assertThat(Files.isDirectory(dataDir.resolve("warehouse"))).isTrue();
    assertThat(dataDir.resolve("chain").resolve("anvil-state.json")).exists();
  }
}
