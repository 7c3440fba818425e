package io.payable.ingest.shard;

import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes sealed shards into the index store (any Flink file system: local, S3, HDFS) in two phases:
 * the writer builds each shard into a staging directory, and the committer renames it to {@code
 * <store>/<datanetId>/shard-NNNNNNNNNN} once the checkpoint completes. The commit is idempotent: a
 * shard whose final directory exists is already committed, which is what a replay after a failure
 * finds.
 */
public final class ShardStoreSink
    implements Sink<SealedShard>, SupportsCommitter<ShardCommittable> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ShardStoreSink.class);
  static final String STAGING = ".staging";

  private final String storeUri;

  /**
   * @param storeUri the index store, e.g. {@code file:///data/index} or {@code s3://bucket/index}
   */
  public ShardStoreSink(String storeUri) {
    this.storeUri = storeUri;
  }

  /** The final directory of a shard in the store. */
  public static Path shardPath(String storeUri, String datanetId, long sequence) {
    return new Path(new Path(storeUri, datanetId), ShardId.directoryName(sequence));
  }

  @Override
  public SinkWriter<SealedShard> createWriter(WriterInitContext context) {
    return new Writer(storeUri);
  }

  @Override
  public Committer<ShardCommittable> createCommitter(CommitterInitContext context) {
    return new ShardCommitter();
  }

  @Override
  public SimpleVersionedSerializer<ShardCommittable> getCommittableSerializer() {
    return new ShardCommittableSerializer();
  }

  private static final class Writer implements CommittingSinkWriter<SealedShard, ShardCommittable> {

    private final String storeUri;
    private final List<ShardCommittable> pending = new ArrayList<>();

    Writer(String storeUri) {
      this.storeUri = storeUri;
    }

    @Override
    public void write(SealedShard shard, Context context) throws IOException {
      ShardWriter builder = new ShardWriter(Tokenizers.byId(shard.tokenizerId()));
      for (ShardDocument d : shard.documents()) {
        builder.addTokens(
            d.contributionId(), shard.datanetId(), d.contributor(), d.tokens(), d.contentHash());
      }
      Path finalPath = shardPath(storeUri, shard.datanetId(), shard.sequence());
      Path staging =
          new Path(
              new Path(new Path(storeUri, shard.datanetId()), STAGING),
              ShardId.directoryName(shard.sequence()) + "." + UUID.randomUUID());
      if ("file".equals(staging.toUri().getScheme()) || staging.toUri().getScheme() == null) {
        builder.write(Paths.get(staging.toUri().getPath()));
      } else {
        java.nio.file.Path local = Files.createTempDirectory("payable-shard-");
        try {
          java.nio.file.Path built = local.resolve("shard");
          builder.write(built);
          copyToFileSystem(built, staging);
        } finally {
          FileUtils.deleteDirectoryQuietly(local.toFile());
        }
      }
      pending.add(
          new ShardCommittable(
              shard.datanetId(),
              shard.sequence(),
              shard.shardId(),
              staging.toString(),
              finalPath.toString(),
              shard.supersedes().stream()
                  .map(seq -> shardPath(storeUri, shard.datanetId(), seq).toString())
                  .toList()));
    }

    @Override
    public Collection<ShardCommittable> prepareCommit() {
      List<ShardCommittable> out = List.copyOf(pending);
      pending.clear();
      return out;
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}
  }

  private static final class ShardCommitter implements Committer<ShardCommittable> {

    @Override
    public void commit(Collection<CommitRequest<ShardCommittable>> requests) throws IOException {
      for (CommitRequest<ShardCommittable> request : requests) {
        ShardCommittable c = request.getCommittable();
        Path staging = new Path(c.stagingPath());
        Path target = new Path(c.finalPath());
        FileSystem fs = target.getFileSystem();
        if (fs.exists(target)) {
          if (fs.exists(staging)) {
            fs.delete(staging, true);
          }
          removeSuperseded(fs, c);
          request.signalAlreadyCommitted();
          continue;
        }
        if (!fs.exists(staging)) {
          request.signalFailedWithKnownReason(
              new IOException("staged shard " + staging + " is missing; cannot commit " + target));
          continue;
        }
        if (!fs.rename(staging, target)) {
          request.retryLater();
          continue;
        }
        removeSuperseded(fs, c);
        LOG.info("Committed shard {} of Datanet {} at {}", c.sequence(), c.datanetId(), target);
      }
    }

    /**
     * Removes the shards a compacted shard replaced, once it is in place. Readers that already
     * mapped them keep their mappings; new readers see each contribution once.
     */
    private static void removeSuperseded(FileSystem fs, ShardCommittable c) throws IOException {
      for (String path : c.supersededPaths()) {
        Path old = new Path(path);
        if (fs.exists(old)) {
          fs.delete(old, true);
        }
      }
    }

    @Override
    public void close() {}
  }

  private static void copyToFileSystem(java.nio.file.Path localDir, Path target)
      throws IOException {
    FileSystem fs = target.getFileSystem();
    fs.mkdirs(target);
    try (Stream<java.nio.file.Path> files = Files.list(localDir)) {
      for (java.nio.file.Path file : files.toList()) {
        try (InputStream in = Files.newInputStream(file);
            OutputStream out =
                fs.create(
                    new Path(target, file.getFileName().toString()),
                    FileSystem.WriteMode.NO_OVERWRITE)) {
          in.transferTo(out);
        }
      }
    }
  }
}
