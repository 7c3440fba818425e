package io.payable.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PayableCliTest {

  @Test
  void helpListsTheSubcommands() {
    StringWriter out = new StringWriter();
    CommandLine cli = PayableCli.newCommandLine().setOut(new PrintWriter(out));

    int exit = cli.execute("--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("Usage: payable").contains("up").contains("help");
    assertThat(cli.getSubcommands()).containsKey("up");
  }

  @Test
  void consoleNeedsItsSourcesAndSaysWhenTheDeploymentIsMissing() {
    StringWriter err = new StringWriter();
    CommandLine cli = PayableCli.newCommandLine().setErr(new PrintWriter(err));

    assertThat(cli.execute("console")).isEqualTo(2);
    assertThat(err.toString()).contains("--warehouse").contains("--rpc").contains("--deployment");

    StringWriter err2 = new StringWriter();
    CommandLine again = PayableCli.newCommandLine().setErr(new PrintWriter(err2));
    int exit =
        again.execute(
            "console",
            "--warehouse",
            "file:///nowhere",
            "--rpc",
            "http://127.0.0.1:9",
            "--deployment",
            "no-such-deployment.json");
    assertThat(exit).isEqualTo(2);
    assertThat(err2.toString().trim())
        .isEqualTo("error: no deployment file no-such-deployment.json");
  }

  @Test
  void anUnknownCommandFailsWithUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = PayableCli.newCommandLine().setErr(new PrintWriter(err));

    int exit = cli.execute("no-such-command");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-command");
  }

  @Test
  void aSqlTypoIsOneLineAndTheTraceOnlyWithVerbose(@TempDir Path warehouse) throws Exception {
    // A Hadoop catalog's namespace is a directory.
    java.nio.file.Files.createDirectories(warehouse.resolve("payable"));
    StringWriter err = new StringWriter();
    int exit =
        PayableCli.newCommandLine(false)
            .setErr(new PrintWriter(err))
            .execute(
                "sql", "--warehouse", warehouse.toUri().toString(), "SELEC * FROM settlements");

    assertThat(exit).isEqualTo(1);
    List<String> lines = err.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("error: SQL parse failed").doesNotContain("Exception");
    assertThat(lines.get(1)).contains("--verbose");

    StringWriter verboseErr = new StringWriter();
    PayableCli.newCommandLine(true)
        .setErr(new PrintWriter(verboseErr))
        .execute("sql", "--warehouse", warehouse.toUri().toString(), "SELEC * FROM settlements");
    assertThat(verboseErr.toString()).startsWith(lines.get(0)).contains("\tat org.apache.flink");
  }

  @Test
  void anErrorLineKeepsEachDistinctCauseOnce() {
    Exception wrapped =
        new RuntimeException(
            new java.io.UncheckedIOException(
                "writing shard 7", new java.io.IOException("disk full\n  at the second line")));
    assertThat(OneLineErrors.describe(wrapped)).isEqualTo("writing shard 7: disk full");
    assertThat(OneLineErrors.describe(new IllegalStateException()))
        .isEqualTo("IllegalStateException");
    assertThat(OneLineErrors.describe(new RuntimeException("x".repeat(1_000)))).hasSize(400);
  }

  @Test
  void durationsReadLikeFlinkConfiguration() {
    DurationConverter converter = new DurationConverter();
    assertThat(converter.convert("20s").toMillis()).isEqualTo(20_000);
    assertThat(converter.convert("5 min").toSeconds()).isEqualTo(300);
    assertThat(converter.convert("250ms").toMillis()).isEqualTo(250);
  }
}
