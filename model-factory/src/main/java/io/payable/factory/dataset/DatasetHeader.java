package io.payable.factory.dataset;

import io.payable.factory.provenance.FileDigests;
import io.payable.ingest.sink.IngestTables;
import io.payable.models.text.TextTokenizer;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a built dataset is a function of: the Datanets (sorted), the pinned snapshots, the packing
 * and split parameters and the tokenizer. A run trains on a built dataset only when these match its
 * own.
 *
 * @param eventsSnapshotId the pinned snapshot of {@code contribution_events}; null when the table
 *     did not exist
 * @param tokenizerSha256 {@link #tokenizerDigest} of the base model the dataset was tokenised with
 * @param sequencesPerShard sequences per shard file (the last shard of a split may hold fewer)
 */
public record DatasetHeader(
    List<String> datanetIds,
    long contributionsSnapshotId,
    Long eventsSnapshotId,
    int seqLen,
    double evalFraction,
    long seed,
    String tokenizerSha256,
    int sequencesPerShard)
    implements Serializable {

  public DatasetHeader {
    // A set: sorted, so the same Datanets named in any order give the same header.
    datanetIds = datanetIds.stream().sorted().distinct().toList();
    if (seqLen < 2) {
      throw new IllegalArgumentException("seq len must be at least 2, got " + seqLen);
    }
    if (!(evalFraction >= 0 && evalFraction < 1)) {
      throw new IllegalArgumentException("eval fraction must be in [0, 1), got " + evalFraction);
    }
    if (sequencesPerShard < 1) {
      throw new IllegalArgumentException(
          "sequences per shard must be at least 1, got " + sequencesPerShard);
    }
  }

  /** The pins as {@link ContributionSnapshots} reads them. */
  public ContributionSnapshots.Pins pins() {
    return new ContributionSnapshots.Pins(
        new SnapshotPin(IngestTables.CONTRIBUTIONS.toString(), contributionsSnapshotId),
        eventsSnapshotId == null
            ? Optional.empty()
            : Optional.of(
                new SnapshotPin(ContributionSnapshots.EVENTS.toString(), eventsSnapshotId)));
  }

  /**
   * SHA-256 of the {@code sha256sum} listing of a base model's {@code tokenizer.json} and {@code
   * tokenizer_config.json} (those present): the manifest's tokenizer hash.
   */
  public static String tokenizerDigest(Path baseDir) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String f : List.of(TextTokenizer.FILE, TextTokenizer.CONFIG)) {
      if (Files.isRegularFile(baseDir.resolve(f))) {
        files.put(f, FileDigests.sha256(baseDir.resolve(f)));
      }
    }
    return FileDigests.listingDigest(files);
  }
}
