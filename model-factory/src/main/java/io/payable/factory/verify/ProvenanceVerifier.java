package io.payable.factory.verify;

import io.payable.factory.FactoryException;
import io.payable.factory.chain.AdapterRegistry;
import io.payable.factory.chain.RegisteredAdapter;
import io.payable.factory.dataset.Contribution;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.EvalSplit;
import io.payable.factory.dataset.LiveContributions;
import io.payable.factory.provenance.AdapterArtifact;
import io.payable.factory.provenance.FileDigests;
import io.payable.factory.provenance.TrainingManifest;
import io.payable.factory.provenance.TrainingSetRoot;
import io.payable.factory.tables.TrainingTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;

/**
 * Checks an adapter's provenance from scratch: hashes its files, reads the contribution tables at
 * the snapshots its manifest pins, applies the dataset rule and the seeded split again, rebuilds
 * the training-set tree, and compares all of it with what ModelRegistry holds. Nothing is taken
 * from the run's own outputs except which snapshots, Datanets, seed and split to use, and those are
 * covered by the manifest hash on chain.
 */
public final class ProvenanceVerifier {

  private final Catalog catalog;
  private final AdapterRegistry registry;

  public ProvenanceVerifier(Catalog catalog, AdapterRegistry registry) {
    this.catalog = catalog;
    this.registry = registry;
  }

  public VerificationReport verify(Path adapterDir) {
    if (!Files.isDirectory(adapterDir)) {
      throw new FactoryException("no_adapter", adapterDir + " is not a directory");
    }
    Path manifestFile = adapterDir.resolve(AdapterArtifact.MANIFEST);
    TrainingManifest manifest = TrainingManifest.read(manifestFile);
    String manifestSha;
    try {
      manifestSha = FileDigests.sha256(Files.readAllBytes(manifestFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AdapterArtifact artifact = AdapterArtifact.of(adapterDir);

    LiveContributions live =
        new ContributionSnapshots(catalog)
            .read(
                manifest.datanets().stream().map(TrainingManifest.DatanetEntry::id).toList(),
                new ContributionSnapshots.Pins(
                    manifest.snapshots().datanetContributions(),
                    Optional.ofNullable(manifest.snapshots().contributionEvents())));
    double evalFraction = manifest.dataset().evalFraction();
    Set<String> evalIds =
        EvalSplit.evalIds(
            live.live().stream().map(Contribution::contributionId).toList(),
            evalFraction,
            manifest.seed());
    List<Contribution> train =
        live.live().stream().filter(c -> !evalIds.contains(c.contributionId())).toList();
    List<String> differences = new ArrayList<>();
    TrainingSetRoot root = null;
    if (train.isEmpty()) {
      differences.add("the pinned snapshots hold no live contribution of the manifest's Datanets");
    } else {
      root = TrainingSetRoot.of(train);
    }

    Optional<RegisteredAdapter> onChain = registry.read(manifest.registryKey());
    if (onChain.isEmpty()) {
      differences.add("adapter " + manifest.registryKey() + " is not registered in ModelRegistry");
    } else {
      RegisteredAdapter a = onChain.get();
      compare(differences, "artifact hash", "chain", a.artifactHash(), "0x" + artifact.sha256());
      compare(differences, "manifest hash", "chain", a.manifestHash(), "0x" + manifestSha);
      if (root != null) {
        compare(differences, "training-set root", "chain", a.trainingSetRoot(), root.root());
        if (a.trainingSetCount() != root.count()) {
          differences.add(
              "training-set count: chain " + a.trainingSetCount() + ", recomputed " + root.count());
        }
      }
      compare(
          differences, "base model", "chain", a.baseModel(), manifest.baseModel().registryKey());
      if (!new TreeSet<>(a.datanetIds())
          .equals(
              new TreeSet<>(
                  manifest.datanets().stream().map(TrainingManifest.DatanetEntry::id).toList()))) {
        differences.add("Datanets: chain " + a.datanetIds() + ", manifest " + manifest.datanets());
      }
    }
    // The manifest's own claims, and the analysts' table, must say the same.
    compare(
        differences, "artifact hash", "manifest", manifest.adapter().sha256(), artifact.sha256());
    if (root != null) {
      compare(
          differences,
          "training-set root",
          "manifest",
          manifest.trainingSet().merkleRoot(),
          root.root());
    }
    influenceStoreDifference(adapterDir, manifest).ifPresent(differences::add);
    List<Record> rows = new TrainingTables(catalog).contributions(manifest.runId());
    if (!rows.isEmpty()) {
      Set<String> recorded = new TreeSet<>();
      rows.stream()
          .filter(r -> "train".equals(r.getField("split")))
          .forEach(r -> recorded.add((String) r.getField("contribution_id")));
      Set<String> recomputed = new TreeSet<>();
      train.forEach(c -> recomputed.add(c.contributionId()));
      if (!recorded.equals(recomputed)) {
        Set<String> extra = new TreeSet<>(recorded);
        extra.removeAll(recomputed);
        Set<String> missing = new TreeSet<>(recomputed);
        missing.removeAll(recorded);
        differences.add(
            "training_contributions lists "
                + extra.size()
                + " contribution(s) not in the dataset "
                + extra
                + " and lacks "
                + missing.size()
                + " "
                + missing);
      }
    }
    return new VerificationReport(
        manifest.adapterName(),
        manifest.registryKey(),
        artifact.sha256(),
        root == null ? "none" : root.root(),
        root == null ? 0 : root.count(),
        manifestSha,
        differences);
  }

  /**
   * For a {@code gradient} or {@code hybrid} adapter: whether its influence store (next to the
   * adapter directory, in the run directory) has the SHA-256 its manifest pins.
   */
  public static Optional<String> influenceStoreDifference(
      Path adapterDir, TrainingManifest manifest) {
    TrainingManifest.InfluenceStoreEntry entry = manifest.influenceStore();
    if (entry == null) {
      return Optional.empty();
    }
    Path store = adapterDir.toAbsolutePath().getParent().resolve(entry.file());
    if (!Files.isRegularFile(store)) {
      return Optional.of(
          "influence store: manifest pins " + entry.file() + ", not found at " + store);
    }
    String actual = FileDigests.sha256(store);
    if (!actual.equalsIgnoreCase(entry.sha256())) {
      return Optional.of(
          "influence store: manifest 0x" + entry.sha256() + ", recomputed 0x" + actual);
    }
    return Optional.empty();
  }

  private static void compare(
      List<String> out, String what, String source, String claimed, String recomputed) {
    String e = normalise(claimed);
    String a = normalise(recomputed);
    if (!e.equals(a)) {
      out.add(what + ": " + source + " " + e + ", recomputed " + a);
    }
  }

  private static String normalise(String hex) {
    String h = hex == null ? "" : hex.toLowerCase(Locale.ROOT);
    return h.startsWith("0x") ? h : "0x" + h;
  }
}
