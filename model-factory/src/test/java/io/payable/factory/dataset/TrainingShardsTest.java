package io.payable.factory.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.factory.FactoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingShardsTest {

  private static final String D1 = "0x" + "d1".repeat(32);

  /** Each contribution's text is its tokens: "3 4 5" tokenises to [3, 4, 5]. */
  private static final ContributionTokenizer DIGITS =
      text -> java.util.Arrays.stream(text.split(" ")).mapToInt(Integer::parseInt).toArray();

  private static TrainingDataset dataset() {
    List<Contribution> live = new ArrayList<>();
    int next = 1;
    for (int c = 0; c < 7; c++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 3 + c; i++) {
        text.append(i == 0 ? "" : " ").append(next++);
      }
      live.add(
          new Contribution("c" + c, D1, "0x0" + c, "0x" + "0".repeat(63) + c, text.toString()));
    }
    return new DatasetBuilder(DIGITS, 5, 0.3, 3)
        .build(
            new LiveContributions(
                List.of(D1),
                new SnapshotPin("payable.datanet_contributions", 11),
                Optional.of(new SnapshotPin("payable.contribution_events", 12)),
                live,
                List.of(new Exclusion("c9", D1, "withdrawn"))));
  }

  private static DatasetHeader header() {
    return new DatasetHeader(List.of(D1), 11, 12L, 5, 0.3, 3, "ab".repeat(32), 2);
  }

  @Test
  void readsBackWhatWasWrittenWithTokensLittleEndianInShardsOfTheGivenSize(@TempDir Path dir)
      throws Exception {
    TrainingDataset d = dataset();
    TrainingShards.write(dir, header(), d);

    TrainingShards.BuiltDataset read = TrainingShards.read(dir);
    assertThat(read.header()).isEqualTo(header());
    assertThat(read.dataset().trainSequences()).isEqualTo(d.trainSequences());
    assertThat(read.dataset().evalSequences()).isEqualTo(d.evalSequences());
    assertThat(read.dataset().train())
        .extracting(Contribution::contributionId)
        .isEqualTo(d.train().stream().map(Contribution::contributionId).toList());
    assertThat(read.dataset().tokensByContribution()).isEqualTo(d.tokensByContribution());
    assertThat(read.dataset().source().excluded()).isEqualTo(d.source().excluded());

    // 42 training tokens at most in sequences of 5: shards of two sequences, u32 LE.
    int sequences = d.trainSequences().size();
    assertThat(Files.exists(dir.resolve("train-00000.tokens"))).isTrue();
    assertThat(
            Files.exists(
                dir.resolve(TrainingShards.shardName("train", (sequences - 1) / 2) + ".tokens")))
        .isTrue();
    assertThat(
            Files.exists(
                dir.resolve(TrainingShards.shardName("train", (sequences + 1) / 2) + ".tokens")))
        .isFalse();
    ByteBuffer first =
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("train-00000.tokens")))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(first.getInt()).isEqualTo(d.trainSequences().get(0).tokens()[0]);
  }

  @Test
  void refusesAChangedFileAndASecondWrite(@TempDir Path dir) throws Exception {
    TrainingShards.write(dir, header(), dataset());
    assertThatThrownBy(() -> TrainingShards.write(dir, header(), dataset()))
        .isInstanceOfSatisfying(
            FactoryException.class, e -> assertThat(e.reason()).isEqualTo("dataset_exists"));
    byte[] tokens = Files.readAllBytes(dir.resolve("train-00000.tokens"));
    tokens[0] ^= 1;
    Files.write(dir.resolve("train-00000.tokens"), tokens);
    assertThatThrownBy(() -> TrainingShards.read(dir))
        .isInstanceOfSatisfying(
            FactoryException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("bad_dataset");
              assertThat(e.getMessage()).contains("train-00000.tokens");
            });
  }
}
