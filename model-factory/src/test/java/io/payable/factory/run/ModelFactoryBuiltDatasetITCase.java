package io.payable.factory.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.factory.FactoryException;
import io.payable.factory.LocalFactories;
import io.payable.factory.Tables;
import io.payable.factory.TinyBase;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.ContributionTokenizer;
import io.payable.factory.dataset.DatasetBuilder;
import io.payable.factory.dataset.DatasetHeader;
import io.payable.factory.dataset.TrainingShards;
import io.payable.models.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run given a built dataset (training shards) trains on the shards and ends exactly where a run
 * that builds its own dataset ends: same sequences, training set, adapter and losses; a dataset
 * built for other parameters is refused before anything is written.
 */
class ModelFactoryBuiltDatasetITCase {

  private static final String LAW = "0x" + "1a".repeat(32);

  @Test
  void aRunOnTrainingShardsEqualsARunThatBuildsItsOwnDataset(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("base");
    TinyBase.write(base);
    try (LocalIcebergWarehouse wh = LocalIcebergWarehouse.open(dir.resolve("wh"))) {
      List<Tables.Row> rows = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        rows.add(
            new Tables.Row(
                "0x0" + i,
                LAW,
                "0x" + "c1".repeat(20),
                "0x" + ("0" + i).repeat(32),
                "Section " + i + ": notice must be given in writing thirty days in advance."));
      }
      long pinned = Tables.appendContributions(wh.catalog(), rows);
      DatasetHeader header =
          new DatasetHeader(
              List.of(LAW), pinned, null, 32, 0.2, 11, DatasetHeader.tokenizerDigest(base), 2);
      ContributionSnapshots snapshots = new ContributionSnapshots(wh.catalog());
      try (TextTokenizer tokenizer = TextTokenizer.load(base)) {
        TrainingShards.write(
            dir.resolve("dataset"),
            header,
            new DatasetBuilder(ContributionTokenizer.of(tokenizer), 32, 0.2, 11)
                .build(snapshots.read(List.of(LAW), header.pins())));
      }
      ModelFactory factory = LocalFactories.of(wh.catalog(), dir.resolve("runs"));

      TrainingOutcome own =
          factory.train(request(base, "own", 11L), RunListener.none(), () -> false);
      TrainingOutcome fromShards =
          factory
              .withBuiltDataset(dir.resolve("dataset"))
              .train(request(base, "shards", 11L), RunListener.none(), () -> false);

      assertThat(fromShards.manifest().dataset()).isEqualTo(own.manifest().dataset());
      assertThat(fromShards.manifest().trainingSet()).isEqualTo(own.manifest().trainingSet());
      assertThat(fromShards.manifest().snapshots()).isEqualTo(own.manifest().snapshots());
      assertThat(fromShards.manifest().adapter().sha256())
          .isEqualTo(own.manifest().adapter().sha256());
      assertThat(fromShards.manifest().training().loss())
          .isEqualTo(own.manifest().training().loss());

      assertThatThrownBy(
              () ->
                  factory
                      .withBuiltDataset(dir.resolve("dataset"))
                      .train(request(base, "other-seed", 12L), RunListener.none(), () -> false))
          .isInstanceOfSatisfying(
              FactoryException.class,
              e -> {
                assertThat(e.reason()).isEqualTo("dataset_mismatch");
                assertThat(e.getMessage()).contains("seed 11 vs 12");
              });
      assertThat(dir.resolve("runs/.staging/run-other-seed")).doesNotExist();
    }
  }

  private static TrainingRequest request(Path base, String name, long seed) {
    return TrainingSpec.builder()
        .base(base)
        .datanets(List.of(LAW))
        .name(name)
        .rank(2)
        .steps(2)
        .batch(2)
        .seqLen(32)
        .seed(seed)
        .evalFraction(0.2)
        .checkpointEvery(0)
        .resume("run-" + name)
        .build()
        .toRequest();
  }
}
