package io.payable.factory.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.factory.FactoryException;
import io.payable.factory.Tables;
import io.payable.factory.Tables.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset rule on a real Iceberg warehouse: time travel and exclusions. */
class ContributionSnapshotsTest {

  private static final String LAW = "0x" + "1a".repeat(32);
  private static final String ART = "0x" + "2b".repeat(32);

  private static Row row(String id, String datanet, String content) {
    return new Row(id, datanet, "0x" + "c0".repeat(20), "0x" + id.substring(2).repeat(32), content);
  }

  @Test
  void aPinnedSnapshotReadsExactlyItsLiveContributions(@TempDir Path dir) {
    try (LocalIcebergWarehouse wh = LocalIcebergWarehouse.open(dir)) {
      ContributionSnapshots snapshots = new ContributionSnapshots(wh.catalog());
      assertThatThrownBy(snapshots::current)
          .isInstanceOfSatisfying(
              FactoryException.class, e -> assertThat(e.reason()).isEqualTo("empty_dataset"));

      Tables.appendContributions(
          wh.catalog(),
          List.of(
              row("0x01", LAW, "one"),
              row("0x02", LAW, "two"),
              row("0x03", LAW, null), // ingested before the content column
              row("0x04", ART, "four")));
      ContributionSnapshots.Pins first = snapshots.current();
      assertThat(first.events()).isEmpty();
      Tables.appendContributions(wh.catalog(), List.of(row("0x05", LAW, "five")));
      Tables.appendEvents(
          wh.catalog(),
          List.of(
              new String[] {"0x02", LAW, "withdrawn"},
              new String[] {"0x05", LAW, "flagged"},
              new String[] {"0x04", ART, "flag_upheld"}));
      ContributionSnapshots.Pins second = snapshots.current();

      LiveContributions atFirst = snapshots.read(List.of(LAW), first);
      assertThat(atFirst.live())
          .extracting(Contribution::contributionId)
          .containsExactly("0x01", "0x02");
      assertThat(atFirst.live()).extracting(Contribution::content).containsExactly("one", "two");
      assertThat(atFirst.excluded()).containsExactly(new Exclusion("0x03", LAW, "no_content"));

      LiveContributions atSecond =
          snapshots.read(List.of(LAW.toUpperCase().replace("0X", "0x")), second);
      // 0x05 arrived, 0x02 was withdrawn; a flag alone excludes nothing.
      assertThat(atSecond.live())
          .extracting(Contribution::contributionId)
          .containsExactly("0x01", "0x05");
      assertThat(atSecond.excluded())
          .containsExactly(
              new Exclusion("0x02", LAW, "withdrawn"), new Exclusion("0x03", LAW, "no_content"));
      assertThat(atSecond.events()).isPresent();

      // The old pin still reads the old data, also with the events table pinned before it existed.
      assertThat(
              snapshots
                  .read(
                      List.of(LAW),
                      new ContributionSnapshots.Pins(first.contributions(), Optional.empty()))
                  .live())
          .hasSize(2);
      LiveContributions both = snapshots.read(List.of(LAW, ART), second);
      assertThat(both.live())
          .extracting(Contribution::contributionId)
          .containsExactly("0x01", "0x05");
      assertThat(both.excluded()).extracting(Exclusion::reason).contains("flag_upheld");
    }
  }

  @Test
  void badIdsAndExpiredSnapshotsAreRefused(@TempDir Path dir) {
    try (LocalIcebergWarehouse wh = LocalIcebergWarehouse.open(dir)) {
      Tables.appendContributions(wh.catalog(), List.of(row("0x01", LAW, "one")));
      ContributionSnapshots snapshots = new ContributionSnapshots(wh.catalog());
      assertThatThrownBy(() -> snapshots.read(List.of("law"), snapshots.current()))
          .isInstanceOfSatisfying(
              FactoryException.class, e -> assertThat(e.reason()).isEqualTo("bad_datanet_id"));
      ContributionSnapshots.Pins missing =
          new ContributionSnapshots.Pins(
              new SnapshotPin("payable.datanet_contributions", 12345L), Optional.empty());
      assertThatThrownBy(() -> snapshots.read(List.of(LAW), missing))
          .isInstanceOfSatisfying(
              FactoryException.class, e -> assertThat(e.reason()).isEqualTo("unknown_snapshot"));
    }
  }
}
