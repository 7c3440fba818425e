package io.payable.index.tombstone;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.payable.index.shard.IndexLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Withdrawn or slashed documents of an index, by doc id. Queries leave them out; compaction drops
 * them for good. Stored as {@code tombstones.json} in the index directory, replaced atomically.
 */
public final class Tombstones {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Tombstones NONE = new Tombstones(Set.of());

  private final Set<String> docIds;

  private Tombstones(Set<String> docIds) {
    this.docIds = Set.copyOf(docIds);
  }

  public static Tombstones none() {
    return NONE;
  }

  public static Tombstones of(Collection<String> docIds) {
    return new Tombstones(Set.copyOf(docIds));
  }

  public boolean contains(String docId) {
    return docIds.contains(docId);
  }

  public Set<String> docIds() {
    return docIds;
  }

  public boolean isEmpty() {
    return docIds.isEmpty();
  }

  /** This set plus {@code more}. */
  public Tombstones with(Collection<String> more) {
    TreeSet<String> all = new TreeSet<>(docIds);
    all.addAll(more);
    return new Tombstones(all);
  }

  /** Reads the index's tombstones; none if the file does not exist. */
  public static Tombstones load(Path indexDir) {
    Path file = indexDir.resolve(IndexLayout.TOMBSTONES);
    if (!Files.exists(file)) {
      return NONE;
    }
    try {
      return new Tombstones(Set.copyOf(JSON.readValue(file.toFile(), Stored.class).docIds()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tombstones " + file, e);
    }
  }

  /** Writes this set as the index's tombstones (temp file + rename). */
  public void save(Path indexDir) {
    Path file = indexDir.resolve(IndexLayout.TOMBSTONES);
    Path tmp = indexDir.resolve("." + IndexLayout.TOMBSTONES + ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), new Stored(1, new TreeSet<>(docIds)));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write tombstones " + file, e);
    }
  }

  private record Stored(
      @JsonProperty("format_version") int formatVersion,
      @JsonProperty("doc_ids") Set<String> docIds) {}
}
