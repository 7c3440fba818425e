package io.payable.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.cli.PayableCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AttributionPlantedCommandTest {

  @Test
  void isASubcommandOfBench() {
    CommandLine bench = PayableCli.newCommandLine().getSubcommands().get("bench");

    assertThat(bench.getSubcommands()).containsKey("attribution-planted").containsKey("lora");
  }

  @Test
  void corporaWithoutTheDemoFilesFailInOneLine(@TempDir Path empty) {
    StringWriter err = new StringWriter();
    CommandLine cli = PayableCli.newCommandLine().setErr(new PrintWriter(err));

    int exit = cli.execute("bench", "attribution-planted", "--corpora", empty.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().lines().findFirst().orElseThrow())
        .isEqualTo("error: no moby-dick.txt in the corpora directory " + empty);
  }
}
