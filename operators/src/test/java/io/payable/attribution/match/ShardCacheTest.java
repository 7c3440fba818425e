package io.payable.attribution.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.Document;
import io.payable.index.shard.Shard;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.index.tombstone.Tombstones;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies of shards from a store through Flink's file systems, and local stores used in place. */
class ShardCacheTest {

  @TempDir Path dir;

  private Path store() {
    Path shard = dir.resolve("store/dn/shard-0000000001");
    new ShardWriter(Tokenizers.byId("o200k_base"))
        .add(
            new Document(
                "d1", "dn", "0xa1", "It was the best of times, it was the worst of times."))
        .write(shard);
    return shard;
  }

  @Test
  void aLocalStoreIsUsedInPlace() throws IOException {
    Path shard = store();
    ShardCache cache = new ShardCache(dir.resolve("cache"));
    assertThat(cache.local("s1", shard.toUri().toString())).isEqualTo(shard);
    assertThat(cache.local("s1", shard.toString())).isEqualTo(shard);
    assertThat(dir.resolve("cache")).doesNotExist();
  }

  @Test
  void aCopyIsCompleteSearchableReusedAndEvicted() throws IOException {
    Path shard = store();
    ShardCache cache = new ShardCache(dir.resolve("cache"));
    Path copy = cache.copy("s1", shard.toUri());
    assertThat(copy).isEqualTo(dir.resolve("cache/s1"));
    try (var files = Files.list(shard)) {
      for (Path f : files.toList()) {
        assertThat(copy.resolve(f.getFileName())).hasSameBinaryContentAs(f);
      }
    }
    // Opening verifies every file against the manifest's hashes.
    try (ShardedIndex index =
        ShardedIndex.of(
            List.of(Shard.open(copy, true)), Tokenizers.byId("o200k_base"), Tombstones.none())) {
      assertThat(index.count(" the worst of times")).isEqualTo(1);
    }
    // A second call reuses the copy; no partial directories are left behind.
    Files.delete(shard.resolve("manifest.json"));
    assertThat(cache.copy("s1", shard.toUri())).isEqualTo(copy);
    try (var entries = Files.list(dir.resolve("cache"))) {
      assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("s1");
    }
    cache.evict("s1");
    assertThat(copy).doesNotExist();
  }

  @Test
  void aMissingShardLeavesNoPartialCopy() {
    ShardCache cache = new ShardCache(dir.resolve("cache"));
    assertThatThrownBy(() -> cache.copy("s2", dir.resolve("nowhere").toUri()))
        .isInstanceOf(IOException.class);
    assertThat(dir.resolve("cache/s2")).doesNotExist();
  }
}
