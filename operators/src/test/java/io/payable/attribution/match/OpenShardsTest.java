package io.payable.attribution.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.index.shard.Document;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import io.payable.ingest.shard.ShardManifestEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group follows the manifest: its own shards only, opened once present, superseded closed. */
class OpenShardsTest {

  private static final Tokenizer O200K = Tokenizers.byId("o200k_base");

  @TempDir Path dir;

  private ShardManifestEvent event(String type, String id, long seq, List<String> supersedes) {
    return new ShardManifestEvent(
        type,
        "dn",
        id,
        seq,
        dir.resolve("shard-" + seq).toUri().toString(),
        1,
        10,
        "0x",
        "o200k_base",
        seq,
        supersedes);
  }

  private void write(long seq, String text) {
    new ShardWriter(O200K)
        .add(new Document("doc-" + seq, "dn", "0xc" + seq, text))
        .write(dir.resolve("shard-" + seq));
  }

  /** Shard ids that all hash to group 0 of 1, so every shard is this group's. */
  @Test
  void pendingUntilPresentThenOpenAndClosedWhenSuperseded() {
    OpenShards shards = new OpenShards(0, 1, O200K, new ShardCache(dir.resolve("cache")));
    shards.apply(event(ShardManifestEvent.SEALED, "a", 1, List.of()));
    shards.openPending();
    assertThat(shards.pendingCount()).isEqualTo(1); // files not there yet
    write(1, "Call me Ishmael. Some years ago, never mind how long precisely.");
    shards.openPending();
    assertThat(shards.openCount()).isEqualTo(1);
    assertThat(shards.index(List.of("dn")).index().count(" never mind how long")).isEqualTo(1);
    assertThat(shards.index(List.of("other")).keys()).isEmpty();

    write(2, "It is a way I have of driving off the spleen.");
    shards.apply(event(ShardManifestEvent.SEALED, "b", 2, List.of()));
    write(3, "Call me Ishmael. It is a way I have of driving off the spleen.");
    shards.apply(event(ShardManifestEvent.COMPACTED, "c", 3, List.of("a", "b")));
    shards.openPending();
    assertThat(shards.openCount()).isEqualTo(1);
    OpenShards.GroupIndex index = shards.index(List.of("dn"));
    assertThat(index.keys()).containsExactly(ShardKeys.orderKey("dn", 3));
    assertThat(index.index().count(" driving off the spleen")).isEqualTo(1);
    shards.close();
  }

  @Test
  void tombstonesOfTheDatanetDirectoryApply() {
    write(1, "Call me Ishmael. Some years ago, never mind how long precisely.");
    io.payable.index.tombstone.Tombstones.of(List.of("doc-1")).save(dir);
    OpenShards shards = new OpenShards(0, 1, O200K, new ShardCache(dir.resolve("cache")));
    shards.apply(event(ShardManifestEvent.SEALED, "a", 1, List.of()));
    shards.openPending();
    var index = shards.index(List.of("dn")).index();
    assertThat(index.tombstones().contains("doc-1")).isTrue();
    assertThat(
            index.maximalSpans(
                " some years ago, never mind how long",
                io.payable.index.query.SpanParams.defaults()))
        .isEmpty();
    shards.close();
  }

  @Test
  void tombstoneEventsApplyToEventsFromTheirEffectiveTimeOn() {
    write(1, "Call me Ishmael. Some years ago, never mind how long precisely.");
    OpenShards shards = new OpenShards(0, 1, O200K, new ShardCache(dir.resolve("cache")));
    shards.apply(event(ShardManifestEvent.SEALED, "a", 1, List.of()));
    ShardManifestEvent withdrawn =
        ShardManifestEvent.fromJson(
            ShardManifestEvent.tombstoned(
                    "dn", "doc-1", "withdrawn", dir.resolve("tombstones.json").toString(), 5_000)
                .toJson());
    assertThat(withdrawn.isTombstone()).isTrue();
    assertThat(withdrawn.contributionId()).isEqualTo("doc-1");
    assertThat(withdrawn.effectiveAt()).isEqualTo(5_000);
    shards.apply(withdrawn);
    shards.openPending();
    assertThat(shards.pendingCount()).isZero();
    assertThat(shards.openCount()).isEqualTo(1);

    String output = " some years ago, never mind how long";
    var params = io.payable.index.query.SpanParams.defaults();
    OpenShards.GroupIndex group = shards.index(List.of("dn"));
    group.index().setTombstones(shards.tombstonesAt(group, 4_999));
    assertThat(group.index().maximalSpans(output, params)).isNotEmpty();
    group.index().setTombstones(shards.tombstonesAt(group, 5_000));
    assertThat(group.index().maximalSpans(output, params)).isEmpty();
    group.index().setTombstones(shards.tombstonesAt(group, 4_000));
    assertThat(group.index().maximalSpans(output, params)).isNotEmpty();
    shards.close();
  }

  @Test
  void aPenalisedContributorsDocumentsAreNotCreditedFromThePenaltyOn() {
    write(1, "Call me Ishmael. Some years ago, never mind how long precisely.");
    OpenShards shards = new OpenShards(0, 1, O200K, new ShardCache(dir.resolve("cache")));
    shards.apply(event(ShardManifestEvent.SEALED, "a", 1, List.of()));
    ShardManifestEvent penalty =
        ShardManifestEvent.fromJson(ShardManifestEvent.penalized("dn", "0xC1", 9_000).toJson());
    assertThat(penalty.isPenalty()).isTrue();
    shards.apply(penalty);
    shards.openPending();
    String output = " some years ago, never mind how long";
    var params = io.payable.index.query.SpanParams.defaults();
    OpenShards.GroupIndex group = shards.index(List.of("dn"));
    group.index().setTombstones(shards.tombstonesAt(group, 8_999));
    assertThat(group.index().maximalSpans(output, params)).isNotEmpty();
    group.index().setTombstones(shards.tombstonesAt(group, 9_000));
    assertThat(group.index().maximalSpans(output, params)).isEmpty();
    shards.close();
  }

  @Test
  void eachShardBelongsToExactlyOneGroup() {
    int groups = 3;
    List<OpenShards> all = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      all.add(new OpenShards(g, groups, O200K, new ShardCache(dir.resolve("cache"))));
    }
    for (long seq = 1; seq <= 9; seq++) {
      write(seq, "Passage number " + seq + " of a long and winding story about the sea.");
      ShardManifestEvent e = event(ShardManifestEvent.SEALED, "shard-id-" + seq, seq, List.of());
      all.forEach(s -> s.apply(e));
    }
    all.forEach(OpenShards::openPending);
    assertThat(all.stream().mapToInt(OpenShards::openCount).sum()).isEqualTo(9);
    all.forEach(OpenShards::close);
  }
}
