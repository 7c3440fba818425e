package io.payable.attribution.match;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.util.FileUtils;

/**
 * Local copies of shards kept in a remote index store (any Flink file system: s3, hdfs, ...), since
 * queries memory-map the shard files. A shard on a local file system is used where it is. Shards
 * are immutable, so a complete copy never goes stale; a copy is made in a temporary directory and
 * moved into place, so a crash never leaves a half copy.
 */
public final class ShardCache {

  private final Path cacheDir;

  public ShardCache(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** A local directory holding the shard at {@code location}, copying it there first if needed. */
  public Path local(String shardId, String location) throws IOException {
    URI uri = URI.create(location);
    if (uri.getScheme() == null) {
      return Path.of(location);
    }
    if ("file".equals(uri.getScheme())) {
      return Path.of(uri);
    }
    return copy(shardId, uri);
  }

  /** The cached copy of a shard, made from any Flink file system if it is not there yet. */
  Path copy(String shardId, URI uri) throws IOException {
    String location = uri.toString();
    Path target = cacheDir.resolve(shardId);
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(cacheDir);
    Path partial = Files.createTempDirectory(cacheDir, shardId + ".partial-");
    try {
      org.apache.flink.core.fs.Path remote = new org.apache.flink.core.fs.Path(uri);
      FileSystem fs = remote.getFileSystem();
      FileStatus[] files = fs.listStatus(remote);
      if (files == null) {
        throw new IOException("no shard at " + location);
      }
      for (FileStatus file : files) {
        if (!file.isDir()) {
          try (InputStream in = fs.open(file.getPath())) {
            Files.copy(in, partial.resolve(file.getPath().getName()));
          }
        }
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      if (Files.exists(partial)) {
        FileUtils.deleteDirectory(partial.toFile());
      }
    }
  }

  /** Removes the local copy of a shard that was superseded. */
  public void evict(String shardId) throws IOException {
    Path target = cacheDir.resolve(shardId);
    if (Files.isDirectory(target)) {
      FileUtils.deleteDirectory(target.toFile());
    }
  }
}
