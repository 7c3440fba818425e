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
    Path input = writeTwoMobyDocuments();
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
            "--min-length",
            "2",
            "They said: call me Ishmael. Some years ago I was growing grim about the mouth.");
    assertThat(table).contains("moby-1").contains("0xB0B").contains("contributor scores");
    String json =
        run(
            new TraceCommand(),
            "--index",
            dir.toString(),
            "--json",
            "--min-length",
            "2",
            "growing grim about the mouth");
    assertThat(json).contains("\"spans\"").contains("\"share\" : 1.0").contains("0xB0B");
  }

  @Test
  void traceDefaultsToTheParametersTheJobPaysWith() throws Exception {
    Path dir = buildTwoMobyDocuments(tmp.resolve("idx"));
    // "growing grim about the mouth" is 5 cl100k tokens: below the job's 8-token minimum, so
    // the job would pay no one for it, and neither does a default trace.
    String table =
        run(new TraceCommand(), "--index", dir.toString(), "growing grim about the mouth");
    assertThat(table)
        .contains("parameters: min span 8 tokens, max occurrences 1000, threshold 100 bps")
        .contains("the attribution job's defaults")
        .contains("0 maximal span(s)")
        .contains("none: no span attributes this text");
    // Nine words of one document clear the minimum.
    String long9 =
        run(
            new TraceCommand(),
            "--index",
            dir.toString(),
            "Whenever I find myself growing grim about the mouth.");
    assertThat(long9).contains("1 maximal span(s)").contains("0xB0B").contains("100.00%");
    assertThat(
            run(
                new TraceCommand(),
                "--index",
                dir.toString(),
                "--min-length",
                "2",
                "growing grim about the mouth"))
        .contains("parameters: min span 2 tokens")
        .doesNotContain("the attribution job's defaults");
  }

  @Test
  void numericDocumentIdsAreIndexedAsTheirDecimalText() throws Exception {
    Path input = tmp.resolve("numeric.jsonl");
    Files.writeString(
        input,
        "{\"doc_id\":1234567890123,\"datanet\":\"books\",\"contributor\":\"0xA11CE\","
            + "\"text\":\"Call me Ishmael. Some years ago, never mind how long precisely.\"}\n");
    Path dir = tmp.resolve("numeric-idx");
    assertThat(
            run(
                new IndexCommand(),
                "build",
                "--input",
                input.toString(),
                "--out",
                dir.toString(),
                "--tokenizer",
                "cl100k_base"))
        .contains("indexed 1 documents");
    assertThat(
            run(
                new TraceCommand(),
                "--index",
                dir.toString(),
                "Call me Ishmael. Some years ago, never mind how long precisely."))
        .contains("1234567890123");
  }

  @Test
  void aNonIntegerDocumentIdIsRefusedWithItsLine() throws Exception {
    Path input = tmp.resolve("bad.jsonl");
    Files.writeString(
        input,
        "{\"doc_id\":\"a\",\"datanet\":\"d\",\"contributor\":\"0xA\",\"text\":\"x\"}\n"
            + "{\"doc_id\":1.5,\"datanet\":\"d\",\"contributor\":\"0xA\",\"text\":\"y\"}\n");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new IndexCommand());
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "build",
            "--input",
            input.toString(),
            "--out",
            tmp.resolve("bad-idx").toString(),
            "--tokenizer",
            "cl100k_base");
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains(":2: missing string or integer field 'doc_id'");
  }

  private Path writeTwoMobyDocuments() throws Exception {
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
    return input;
  }

  private Path buildTwoMobyDocuments(Path dir) throws Exception {
    Path input = writeTwoMobyDocuments();
    run(
        new IndexCommand(),
        "build",
        "--input",
        input.toString(),
        "--out",
        dir.toString(),
        "--tokenizer",
        "cl100k_base");
    return dir;
  }

  @Test
  void aMemoryBudgetSizesTheShardsAndReportsProgress() throws Exception {
    // 40 documents of 5,000 bytes; a 2 MiB budget with 2 shards building at once allows
    // 2,097,152 / (4 + 2 * 10) = 87,381 symbols per shard: 17 documents (85,017 symbols) each.
    StringBuilder jsonl = new StringBuilder();
    for (int d = 0; d < 40; d++) {
      jsonl
          .append("{\"doc_id\":\"d")
          .append(d)
          .append("\",\"datanet\":\"n\",\"contributor\":\"0xC\",\"text\":\"")
          .append(String.valueOf((char) ('a' + d % 26)).repeat(5_000))
          .append("\"}\n");
    }
    Path input = tmp.resolve("big.jsonl");
    Files.writeString(input, jsonl);
    Path dir = tmp.resolve("budgeted");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new IndexCommand());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "build",
            "--input",
            input.toString(),
            "--out",
            dir.toString(),
            "--tokenizer",
            "bytes",
            "--memory",
            "2m",
            "--parallelism",
            "2");
    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(err.toString())
        .contains("up to 87,381 symbols per shard, 2 shard(s) building at once")
        .contains("sealed: 85,017 symbols")
        .contains("shard 3 sealed");
    assertThat(run(new IndexCommand(), "info", dir.toString())).contains("total: 3 shard(s)");
  }

  @Test
  void aBudgetTooSmallOrAboveTheHeapIsRefusedWithOneLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new IndexCommand());
    cli.setErr(new PrintWriter(err));
    String[] common = {"build", "--input", "x.jsonl", "--out", tmp.resolve("o").toString()};
    assertThat(cli.execute(concat(common, "--memory", "64k"))).isEqualTo(2);
    assertThat(err.toString()).contains("too small");
    assertThat(cli.execute(concat(common, "--memory", "1000t"))).isEqualTo(2);
    assertThat(err.toString()).contains("more than the JVM's maximum heap");
  }

  @Test
  void sizesUseBinaryUnits() {
    assertThat(IndexCommand.Build.parseSize("8g")).isEqualTo(8L << 30);
    assertThat(IndexCommand.Build.parseSize("512M")).isEqualTo(512L << 20);
    assertThat(IndexCommand.Build.parseSize("123")).isEqualTo(123);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
