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
