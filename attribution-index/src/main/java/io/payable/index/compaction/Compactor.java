package io.payable.index.compaction;

import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.IndexLayout;
import io.payable.index.shard.Shard;
import io.payable.index.shard.ShardManifest;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tombstone.Tombstones;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the small shards of an index into one and drops tombstoned documents for good.
 *
 * <p>The merged shard is written atomically before the old ones are deleted, so a crash leaves at
 * worst both (a document then counts twice until the next compaction, never zero times).
 */
public final class Compactor {

  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  private final Tokenizer tokenizer;
  private final long smallShardSymbols;

  /**
   * @param tokenizer the index tokenizer (its vocabulary must match every shard)
   * @param smallShardSymbols shards below this many symbols are merged
   */
  public Compactor(Tokenizer tokenizer, long smallShardSymbols) {
    this.tokenizer = tokenizer;
    this.smallShardSymbols = smallShardSymbols;
  }

  /**
   * Compacts {@code indexDir}: merges every small shard, and every shard holding a tombstoned
   * document, into one new shard. Returns its manifest, or empty when there was nothing to do.
   */
  public Optional<ShardManifest> compact(Path indexDir) {
    Tombstones dead = Tombstones.load(indexDir);
    List<Shard> chosen = new ArrayList<>();
    long symbols = 0;
    for (Path dir : IndexLayout.shardDirs(indexDir)) {
      Shard shard = Shard.open(dir);
      boolean hasDead = shard.documents().stream().anyMatch(d -> dead.contains(d.docId()));
      if (shard.symbolCount() < smallShardSymbols || hasDead) {
        chosen.add(shard);
        symbols += shard.symbolCount();
      }
    }
    boolean anyDead =
        chosen.stream()
            .flatMap(s -> s.documents().stream())
            .anyMatch(d -> dead.contains(d.docId()));
    if (chosen.size() < 2 && !anyDead) {
      return Optional.empty();
    }
    if (symbols > ShardWriter.MAX_SYMBOLS) {
      throw new IllegalStateException("merged shard would hold too many symbols: " + symbols);
    }
    ShardWriter writer = new ShardWriter(tokenizer);
    int dropped = 0;
    for (Shard shard : chosen) {
      if (!shard.manifest().tokenizer().vocabularyHash().equals(tokenizer.vocabularyHash())) {
        throw new IllegalArgumentException("shard " + shard.dir() + " uses another vocabulary");
      }
      List<DocumentRecord> docs = shard.documents();
      for (int i = 0; i < docs.size(); i++) {
        DocumentRecord d = docs.get(i);
        if (dead.contains(d.docId())) {
          dropped++;
          continue;
        }
        writer.addTokens(
            d.docId(),
            d.datanet(),
            d.contributor(),
            shard.documentTokens(i, 0, d.length()),
            d.contentHash());
      }
    }
    ShardManifest manifest = null;
    if (writer.documentCount() > 0) {
      manifest = writer.write(IndexLayout.nextShardDir(indexDir));
    }
    for (Shard shard : chosen) {
      deleteTree(shard.dir());
    }
    LOG.info(
        "compacted {} shards of {}: {} documents kept, {} tombstoned dropped",
        chosen.size(),
        indexDir,
        writer.documentCount(),
        dropped);
    return Optional.ofNullable(manifest);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete merged shard " + root, e);
    }
  }
}
