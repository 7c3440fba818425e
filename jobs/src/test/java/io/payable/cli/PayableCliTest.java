package io.payable.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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
  void durationsReadLikeFlinkConfiguration() {
    DurationConverter converter = new DurationConverter();
    assertThat(converter.convert("20s").toMillis()).isEqualTo(20_000);
    assertThat(converter.convert("5 min").toSeconds()).isEqualTo(300);
    assertThat(converter.convert("250ms").toMillis()).isEqualTo(250);
  }
}
