package io.payable.index.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {

  @TempDir Path tmp;

  private String run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertThat(code).as("exit code, stderr: %s", err).isZero();
    return out.toString();
  }

  @Test
  void buildCountInfoAndTrace() throws Exception {
    Path input = tmp.resolve("docs.jsonl");
    Files.writeString(
        input,
        String.join(
            "\n",
            "{\"doc_id\":\"moby-1\",\"datanet\":\"books\",\"contributor\":\"0xA11CE\","
                + "\"text\":\"Call me Ishmael. Some years ago, never mind how long precisely.\"}",
            "{\"doc_id\":\"moby-2\",\"datanet\":\"books\",\"contributor\":\"0xB0B\","
                + "\"text\":\"Whenever I find myself growing grim about the mouth.\"}",
            ""));
    Path dir = tmp.resolve("idx");
    assertThat(
            run(
                new IndexCommand(),
                "build",
                "--input",
                input.toString(),
                "--out",
                dir.toString(),
                "--tokenizer",
                "cl100k_base",
                "--shard-symbols",
                "20",
                "--parallelism",
                "2"))
        .contains("indexed 2 documents");
    assertThat(run(new IndexCommand(), "count", dir.toString(), " years ago").trim())
        .isEqualTo("1");
    assertThat(run(new IndexCommand(), "info", dir.toString()))
        .contains("cl100k_base")
        .contains("total: 2 shard(s)");
    String table =
        run(
            new TraceCommand(),
            "--index",
            dir.toString(),
            "They said: call me Ishmael. Some years ago I was growing grim about the mouth.");
    assertThat(table).contains("moby-1").contains("0xB0B").contains("contributor scores");
    String json =
        run(
            new TraceCommand(),
            "--index",
            dir.toString(),
            "--json",
            "growing grim about the mouth");
    assertThat(json).contains("\"spans\"").contains("\"share\" : 1.0").contains("0xB0B");
  }
}
