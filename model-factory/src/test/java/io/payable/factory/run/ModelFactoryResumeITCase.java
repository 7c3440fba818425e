package io.payable.factory.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.factory.LocalFactories;
import io.payable.factory.Tables;
import io.payable.factory.TinyBase;
import io.payable.factory.tables.TrainingTables;
import io.payable.models.train.StepProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped mid-training resumes from its checkpoint on the snapshot it pinned, even when
 * contributions arrived in between, and is recorded once, only when it completes.
 */
class ModelFactoryResumeITCase {

  private static final String LAW = "0x" + "1a".repeat(32);

  private static Tables.Row row(int i) {
    return new Tables.Row(
        "0x0" + i,
        LAW,
        "0x" + "c1".repeat(20),
        "0x" + ("0" + i).repeat(32),
        "Section " + i + ": notice must be given in writing thirty days in advance.");
  }

  @Test
  void aStoppedRunResumesOnItsPinnedSnapshot(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("base");
    TinyBase.write(base);
    try (LocalIcebergWarehouse wh = LocalIcebergWarehouse.open(dir.resolve("wh"))) {
      List<Tables.Row> first = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        first.add(row(i));
      }
      long pinned = Tables.appendContributions(wh.catalog(), first);
      ModelFactory factory = LocalFactories.of(wh.catalog(), dir.resolve("runs"));
      TrainingRequest request =
          TrainingSpec.builder()
              .base(base)
              .datanets(List.of(LAW))
              .name("notice-v1")
              .rank(2)
              .steps(4)
              .batch(1)
              .seqLen(32)
              .seed(11L)
              .evalFraction(0.0)
              .checkpointEvery(1)
              .resume("run-resume-test")
              .build()
              .toRequest();
      AtomicInteger steps = new AtomicInteger();
      RunListener counting =
          new RunListener() {
            @Override
            public void onStep(StepProgress p) {
              steps.set(p.step());
            }
          };
      assertThatThrownBy(() -> factory.train(request, counting, () -> steps.get() >= 2))
          .isInstanceOf(CancellationException.class);
      assertThat(Files.isDirectory(dir.resolve("runs/.staging/run-resume-test"))).isTrue();
      assertThat(Files.exists(dir.resolve("runs/run-resume-test"))).isFalse();
      assertThat(new TrainingTables(wh.catalog()).trainings()).isEmpty();

      Tables.appendContributions(wh.catalog(), List.of(row(4)));
      TrainingOutcome done = factory.train(request, RunListener.none(), () -> false);

      assertThat(done.manifest().snapshots().datanetContributions().snapshotId()).isEqualTo(pinned);
      assertThat(done.manifest().trainingSet().count()).isEqualTo(3);
      assertThat(done.manifest().training().loss()).hasSize(4);
      assertThat(done.adapterDir()).isEqualTo(dir.resolve("runs/run-resume-test/adapter"));
      assertThat(Files.exists(dir.resolve("runs/.staging/run-resume-test"))).isFalse();
      assertThat(new TrainingTables(wh.catalog()).trainings())
          .singleElement()
          .satisfies(r -> assertThat(r.contributionsSnapshotId()).isEqualTo(pinned));
      assertThat(new TrainingTables(wh.catalog()).contributions("run-resume-test")).hasSize(3);
    }
  }
}
