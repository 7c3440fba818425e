package io.payable.factory.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.factory.LocalFactories;
import io.payable.factory.Tables;
import io.payable.factory.TinyBase;
import io.payable.factory.provenance.TrainingManifest;
import io.payable.models.PeftAdapter;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code gradient} run writes the adapter's influence store next to it: one sketch per training
 * sequence with the contributions and contributors packed into it, pinned by the manifest.
 */
class ModelFactoryInfluenceITCase {

  private static final String LAW = "0x" + "1a".repeat(32);
  private static final String ALICE = "0x" + "c1".repeat(20);
  private static final String BOB = "0x" + "b0".repeat(20);

  @Test
  void aGradientRunWritesItsInfluenceStore(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("base");
    TinyBase.write(base);
    try (LocalIcebergWarehouse wh = LocalIcebergWarehouse.open(dir.resolve("wh"))) {
      List<Tables.Row> rows = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        rows.add(
            new Tables.Row(
                "0x0" + i,
                LAW,
                i % 2 == 0 ? ALICE : BOB,
                "0x" + ("0" + i).repeat(32),
                "Clause "
                    + i
                    + ": the tenant shall give notice in writing "
                    + i
                    + " months ahead."));
      }
      Tables.appendContributions(wh.catalog(), rows);
      ModelFactory factory = LocalFactories.of(wh.catalog(), dir.resolve("runs"));
      TrainingRequest request =
          TrainingSpec.builder()
              .base(base)
              .datanets(List.of(LAW))
              .name("notice-gradient")
              .rank(2)
              .steps(2)
              .batch(1)
              .seqLen(16)
              .seed(5L)
              .evalFraction(0.0)
              .attribution("gradient")
              .resume("run-influence-test")
              .build()
              .toRequest();
      TrainingOutcome done = factory.train(request, RunListener.none(), () -> false);

      TrainingManifest m = done.manifest();
      assertThat(m.attributionMethod()).isEqualTo("gradient");
      TrainingManifest.InfluenceStoreEntry entry = m.influenceStore();
      assertThat(entry).isNotNull();
      Path file = dir.resolve("runs/run-influence-test").resolve(entry.file());
      byte[] bytes = Files.readAllBytes(file);
      assertThat(entry.sha256())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
      assertThat(entry.bytes()).isEqualTo(bytes.length);

      InfluenceStore store = InfluenceStore.open(file);
      assertThat(store.examples())
          .isEqualTo(m.dataset().trainSequences())
          .isEqualTo(entry.examples())
          .isGreaterThan(1);
      assertThat(store.layout().dimension()).isEqualTo(entry.dimension()).isLessThanOrEqualTo(2048);
      assertThat(store.projectionSeed())
          .isEqualTo(
              MessageDigest.getInstance("SHA-256")
                  .digest(Files.readAllBytes(done.adapterDir().resolve(PeftAdapter.WEIGHTS))));
      long targets = 0;
      Set<String> contributors = new TreeSet<>();
      Set<String> contributions = new TreeSet<>();
      for (long n = 0; n < store.examples(); n++) {
        for (ExampleProvenance.Piece p : store.provenance(n).pieces()) {
          targets += p.targetTokens();
          contributors.add(p.contributor());
          contributions.add(p.contributionId());
        }
      }
      // Every position but the first of each sequence is a target token.
      assertThat(targets).isEqualTo(m.dataset().trainTokens() - m.dataset().trainSequences());
      assertThat(contributors).containsExactly(BOB, ALICE);
      assertThat(contributions).containsExactly("0x01", "0x02", "0x03", "0x04");
      // A training sequence supports itself: its own sketch as the query scores positive.
      double[] q = store.preconditioner().precondition(store.sketch(0));
      assertThat(store.scores(q)[0]).isPositive();

      // payable models verify checks the store against the manifest's hash.
      assertThat(
              io.payable.factory.verify.ProvenanceVerifier.influenceStoreDifference(
                  done.adapterDir(), m))
          .isEmpty();
      byte[] tampered = bytes.clone();
      tampered[tampered.length - 1] ^= 1;
      Files.write(file, tampered);
      assertThat(
              io.payable.factory.verify.ProvenanceVerifier.influenceStoreDifference(
                  done.adapterDir(), m))
          .hasValueSatisfying(d -> assertThat(d).startsWith("influence store: manifest 0x"));
    }
  }
}
