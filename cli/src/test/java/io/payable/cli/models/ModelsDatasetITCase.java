package io.payable.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.cli.PayableCli;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.factory.Tables;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.models.SyntheticCheckpoints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code payable models dataset} builds the training shards with the dataset job (here on the test
 * MiniCluster) and, with {@code --in-process}, without Flink, to the same bytes; {@code payable
 * models train --dataset} trains on them and refuses shards built with another {@code --seq-len}.
 */
class ModelsDatasetITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final String LAW = "0x" + "1a".repeat(32);

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        PayableCli.newCommandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void buildsShardsWithFlinkOrInProcessAlikeAndTrainsOnThem() throws Exception {
    Path base = tempDir.resolve("base");
    SyntheticCheckpoints.writeBase(
        base,
        new SyntheticCheckpoints.Spec(SyntheticCheckpoints.TOKENIZER_VOCAB, 16, 32, 1, 2, 1, 64),
        1);
    List<Tables.Row> rows = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      rows.add(
          new Tables.Row(
              "0x0" + i,
              LAW,
              "0x" + "c1".repeat(20),
              "0x" + ("0" + i).repeat(32),
              "Section " + i + ": notice must be given in writing thirty days ahead."));
    }
    Tables.appendContributions(WAREHOUSE.warehouse().catalog(), rows);
    String warehouse = WAREHOUSE.warehouse().location();
    List<String> common =
        List.of(
            "models",
            "dataset",
            "--base",
            base.toString(),
            "--datanet",
            LAW,
            "--warehouse",
            warehouse,
            "--seq-len",
            "32",
            "--sequences-per-shard",
            "2");

    Run flink = cli(with(common, "--out", tempDir.resolve("flink").toString()));
    Run local = cli(with(common, "--out", tempDir.resolve("local").toString(), "--in-process"));

    assertThat(flink.code()).as(flink.err()).isZero();
    assertThat(local.code()).as(local.err()).isZero();
    assertThat(flink.out()).contains("dataset   ").contains("excluded  0");
    assertThat(files(tempDir.resolve("flink"))).isEqualTo(files(tempDir.resolve("local")));
    assertThat(files(tempDir.resolve("flink"))).containsKeys("dataset.json", "train-00000.tokens");

    List<String> train =
        List.of(
            "models",
            "train",
            "--base",
            base.toString(),
            "--datanet",
            LAW,
            "--warehouse",
            warehouse,
            "--rank",
            "2",
            "--steps",
            "1",
            "--batch",
            "1",
            "--checkpoint-every",
            "0",
            "--runs",
            tempDir.resolve("runs").toString(),
            "--dataset",
            tempDir.resolve("flink").toString());
    Run trained = cli(with(train, "--seq-len", "32", "--name", "from-shards"));
    assertThat(trained.code()).as(trained.err()).isZero();
    assertThat(trained.out()).contains("train set 0x");

    Run refused = cli(with(train, "--seq-len", "16", "--name", "wrong-seq-len"));
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("seq len 32 vs 16").contains("[dataset_mismatch]");
  }

  private static String[] with(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static Map<String, String> files(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        out.put(p.getFileName().toString(), new String(Files.readAllBytes(p), "ISO-8859-1"));
      }
    }
    return out;
  }
}
