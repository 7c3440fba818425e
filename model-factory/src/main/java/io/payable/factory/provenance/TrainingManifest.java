package io.payable.factory.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.payable.factory.FactoryException;
import io.payable.factory.dataset.Exclusion;
import io.payable.factory.dataset.SnapshotPin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code training-manifest.json}: everything needed to know, and check, what an adapter was trained
 * on and how (docs/formats.md, "Training manifest"). It lies in the adapter directory next to the
 * PEFT files; its SHA-256 is registered on chain.
 */
public record TrainingManifest(
    int formatVersion,
    String runId,
    String adapterName,
    String registryKey,
    Artifact adapter,
    BaseModel baseModel,
    Artifact tokenizer,
    List<DatanetEntry> datanets,
    Snapshots snapshots,
    Dataset dataset,
    TrainingSet trainingSet,
    List<Exclusion> excluded,
    Map<String, Object> hyperparameters,
    long seed,
    String attributionMethod,
    @JsonInclude(JsonInclude.Include.NON_NULL) InfluenceStoreEntry influenceStore,
    Curves training,
    Map<String, String> software,
    String createdAt) {

  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** SHA-256 of files, and of their {@code sha256sum} listing ({@link FileDigests}). */
  public record Artifact(String sha256, Map<String, String> files) {}

  /**
   * @param id the model's name, e.g. {@code meta-llama/Llama-3.2-1B} or the directory name
   * @param registryKey the bytes32 base-model key registered on chain: 0x + the listing SHA-256
   */
  public record BaseModel(
      String id, String sha256, String registryKey, Map<String, String> files) {}

  public record DatanetEntry(String id, int contributions, int excluded) {}

  /**
   * @param contributionEvents null when {@code contribution_events} did not exist
   */
  public record Snapshots(SnapshotPin datanetContributions, SnapshotPin contributionEvents) {}

  /**
   * @param rule the dataset rule, {@code live-at-snapshot/v1} (docs/model-factory.md)
   * @param sequencesSha256 SHA-256 of {@code sequences.jsonl}, the packed sequences and their spans
   */
  public record Dataset(
      String rule,
      int seqLen,
      double evalFraction,
      int trainContributions,
      int evalContributions,
      int trainSequences,
      int evalSequences,
      long trainTokens,
      long evalTokens,
      String sequencesSha256) {}

  /**
   * @param merkleRoot StandardMerkleTree root over the content hashes of the training split
   * @param leafEncoding how a leaf is made from a content hash
   */
  public record TrainingSet(int count, String merkleRoot, String leafEncoding) {}

  public record CurvePoint(int step, double loss) {}

  /**
   * The influence store of a {@code gradient} or {@code hybrid} adapter (docs/formats.md,
   * "Influence store"): its file name in the run directory, SHA-256, format version, sketch
   * dimension, examples, size and build time.
   */
  public record InfluenceStoreEntry(
      String file,
      String sha256,
      int formatVersion,
      int dimension,
      long examples,
      long bytes,
      long buildMs) {}

  public record Curves(
      int steps, List<Double> loss, List<CurvePoint> eval, long tokensSeen, long wallTimeMs) {}

  public byte[] toJson() {
    try {
      return (JSON.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TrainingManifest read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new FactoryException("no_manifest", file.getParent() + ": no " + file.getFileName());
    }
    try {
      TrainingManifest m = JSON.readValue(file.toFile(), TrainingManifest.class);
      if (m.formatVersion() != FORMAT_VERSION) {
        throw new FactoryException(
            "bad_manifest",
            file + ": format version " + m.formatVersion() + ", expected " + FORMAT_VERSION);
      }
      return m;
    } catch (IOException e) {
      throw new FactoryException(
          "bad_manifest", file + ": not a training manifest: " + e.getMessage(), e);
    }
  }
}
