package io.payable.index.shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * An index is a directory of shard directories named {@code shard-NNNNNN} plus an optional {@code
 * tombstones.json}. Names starting with a dot are temporary and never read.
 */
public final class IndexLayout {

  public static final String SHARD_PREFIX = "shard-";
  public static final String TOMBSTONES = "tombstones.json";

  private IndexLayout() {}

  /** Shard directories in name order. */
  public static List<Path> shardDirs(Path indexDir) {
    try (Stream<Path> s = Files.list(indexDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(SHARD_PREFIX))
          .filter(Files::isDirectory)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list index " + indexDir, e);
    }
  }

  /** The next unused shard directory name. */
  public static Path nextShardDir(Path indexDir) {
    return shardDir(indexDir, nextShardNumber(indexDir));
  }

  /** Directory of shard number {@code number}. */
  public static Path shardDir(Path indexDir, int number) {
    return indexDir.resolve(String.format("%s%06d", SHARD_PREFIX, number));
  }

  /** One more than the highest shard number in use. */
  public static int nextShardNumber(Path indexDir) {
    int next = 0;
    for (Path p : shardDirs(indexDir)) {
      String suffix = p.getFileName().toString().substring(SHARD_PREFIX.length());
      try {
        next = Math.max(next, Integer.parseInt(suffix) + 1);
      } catch (NumberFormatException ignored) {
        // Not one of ours; never reuse its name either way.
      }
    }
    return next;
  }
}
