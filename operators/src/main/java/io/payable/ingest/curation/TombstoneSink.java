package io.payable.ingest.curation;

import io.payable.index.tombstone.Tombstones;
import io.payable.sinks.BufferingCommittingWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds tombstoned contributions to their Datanet's {@code tombstones.json} in the index store
 * (docs/index-format.md), which compaction and the near-duplicate check read. The file is written
 * by the committer, after the checkpoint that covers the tombstone, and the write is a set union
 * (temp file and rename), so a committer retried after a failure writes the same file again.
 */
public final class TombstoneSink
    implements Sink<ContributionEvent>, SupportsCommitter<TombstoneSink.Entry> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TombstoneSink.class);

  /** One document to tombstone: its Datanet and doc id (the contribution id). */
  public record Entry(String datanetId, String docId) {}

  private final String storeUri;

  public TombstoneSink(String storeUri) {
    this.storeUri = storeUri;
  }

  /** The local directory of a Datanet's index in the store: where its shards and tombstones are. */
  public static java.nio.file.Path indexDir(String storeUri, String datanetId) {
    return java.nio.file.Path.of(new Path(storeUri, datanetId).toUri().getPath());
  }

  /**
   * Whether the store is on a local (or mounted) file system, the only kind whose {@code
   * tombstones.json} this version writes and whose shards the shard builder reads back.
   */
  public static boolean isLocal(String storeUri) {
    String scheme = new Path(storeUri).toUri().getScheme();
    return scheme == null || "file".equals(scheme);
  }

  @Override
  public SinkWriter<ContributionEvent> createWriter(WriterInitContext context) {
    return new BufferingCommittingWriter<ContributionEvent, Entry>(
        e -> new Entry(e.datanetId(), e.contributionId()));
  }

  @Override
  public Committer<Entry> createCommitter(CommitterInitContext context) {
    return new TombstoneCommitter(storeUri);
  }

  @Override
  public SimpleVersionedSerializer<Entry> getCommittableSerializer() {
    return new EntrySerializer();
  }

  private static final class TombstoneCommitter implements Committer<Entry> {

    private final String storeUri;

    TombstoneCommitter(String storeUri) {
      this.storeUri = storeUri;
    }

    @Override
    public void commit(Collection<CommitRequest<Entry>> requests) {
      if (!isLocal(storeUri)) {
        LOG.warn(
            "index store {} is not a local file system: {} tombstones not written to"
                + " tombstones.json (the manifest events and contribution_events carry them)",
            storeUri,
            requests.size());
        return;
      }
      Map<String, List<String>> byDatanet = new TreeMap<>();
      for (CommitRequest<Entry> r : requests) {
        Entry e = r.getCommittable();
        byDatanet.computeIfAbsent(e.datanetId(), d -> new ArrayList<>()).add(e.docId());
      }
      byDatanet.forEach(
          (datanet, docIds) -> {
            java.nio.file.Path dir = indexDir(storeUri, datanet);
            try {
              Files.createDirectories(dir);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot create " + dir, e);
            }
            Tombstones.load(dir).with(docIds).save(dir);
            LOG.info("tombstoned {} documents of Datanet {}", docIds.size(), datanet);
          });
    }

    @Override
    public void close() {}
  }

  private static final class EntrySerializer implements SimpleVersionedSerializer<Entry> {

    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Entry e) {
      return (e.datanetId() + "\n" + e.docId()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Entry deserialize(int version, byte[] serialized) throws IOException {
      String[] parts = new String(serialized, StandardCharsets.UTF_8).split("\n", 2);
      if (version != 1 || parts.length != 2) {
        throw new IOException("not a version-1 tombstone committable");
      }
      return new Entry(parts[0], parts[1]);
    }
  }
}
