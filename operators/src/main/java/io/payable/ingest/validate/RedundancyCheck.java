package io.payable.ingest.validate;

import io.payable.index.query.ShardedIndex;
import io.payable.index.query.Span;
import io.payable.index.query.SpanParams;
import io.payable.index.shard.IndexLayout;
import io.payable.index.shard.Shard;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tombstone.Tombstones;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of a new contribution is already in its Datanet: the share of its tokens covered by
 * maximal spans of at least {@code minSpanTokens} found in the Datanet's committed shards. Shards
 * are opened from a local index store and picked up again every {@code refreshMillis};
 * contributions still in the open (unsealed) shard are not searched, exact duplicates of those are
 * caught by content hash instead.
 */
final class RedundancyCheck implements AutoCloseable {

  private final Path store;
  private final Tokenizer tokenizer;
  private final SpanParams params;
  private final long refreshMillis;
  private final Map<Path, Shard> opened = new HashMap<>();
  private final Map<String, Loaded> datanets = new HashMap<>();

  private record Loaded(ShardedIndex index, List<Path> dirs, long checkedAt) {}

  /**
   * @param storeUri the index store; only {@code file:} stores are searched (see class comment)
   */
  RedundancyCheck(String storeUri, Tokenizer tokenizer, int minSpanTokens, long refreshMillis) {
    URI uri = URI.create(storeUri);
    this.store = uri.getScheme() == null ? Paths.get(storeUri) : Paths.get(uri);
    this.tokenizer = tokenizer;
    this.params =
        SpanParams.builder()
            .minLength(minSpanTokens)
            .maxOccurrences(Long.MAX_VALUE)
            .maxDocuments(1)
            .build();
    this.refreshMillis = refreshMillis;
  }

  static boolean supports(String storeUri) {
    String scheme = URI.create(storeUri).getScheme();
    return scheme == null || scheme.equals("file");
  }

  /** Share in [0, 1] of {@code tokens} covered by spans already in the Datanet's shards. */
  double coveredShare(String datanetId, int[] tokens, long now) {
    if (tokens.length == 0) {
      return 0;
    }
    ShardedIndex index = index(datanetId, now);
    if (index == null) {
      return 0;
    }
    boolean[] covered = new boolean[tokens.length];
    for (Span span : index.maximalSpans(tokens, params)) {
      for (int i = span.start(); i < span.end(); i++) {
        covered[i] = true;
      }
    }
    int count = 0;
    for (boolean c : covered) {
      count += c ? 1 : 0;
    }
    return (double) count / tokens.length;
  }

  private ShardedIndex index(String datanetId, long now) {
    Loaded loaded = datanets.get(datanetId);
    if (loaded != null && now - loaded.checkedAt() < refreshMillis) {
      return loaded.index();
    }
    Path dir = store.resolve(datanetId);
    List<Path> dirs = Files.isDirectory(dir) ? IndexLayout.shardDirs(dir) : List.of();
    if (loaded != null && loaded.dirs().equals(dirs)) {
      datanets.put(datanetId, new Loaded(loaded.index(), dirs, now));
      return loaded.index();
    }
    if (loaded != null && loaded.index() != null) {
      loaded.index().close();
    }
    ShardedIndex index = null;
    if (!dirs.isEmpty()) {
      List<Shard> shards = new ArrayList<>();
      for (Path shardDir : dirs) {
        // Committed shards are immutable; sizes are checked, full hashes once per process.
        shards.add(opened.computeIfAbsent(shardDir, d -> Shard.open(d, true)));
      }
      index = ShardedIndex.of(shards, tokenizer, Tombstones.load(dir));
    }
    datanets.put(datanetId, new Loaded(index, dirs, now));
    return index;
  }

  @Override
  public void close() {
    datanets.values().stream()
        .map(Loaded::index)
        .filter(i -> i != null)
        .forEach(ShardedIndex::close);
    datanets.clear();
  }
}
