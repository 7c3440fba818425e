package io.payable.models.influence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.models.Projection;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfluenceStoreTest {
  @TempDir Path dir;

  private static final SketchLayout LAYOUT =
      SketchLayout.defaults(
          List.of(
              new SketchLayout.Adapted(0, Projection.Q_PROJ, 4, 64, 64),
              new SketchLayout.Adapted(1, Projection.DOWN_PROJ, 4, 128, 64)),
          2048);

  @Test
  void roundTripsSketchesProvenanceAndPreconditioner() throws Exception {
    Random rnd = new Random(7);
    int n = 50;
    List<float[]> sketches = new ArrayList<>();
    List<ExampleProvenance> prov = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      float[] s = new float[LAYOUT.dimension()];
      for (int j = 0; j < s.length; j++) {
        s[j] = (float) (rnd.nextGaussian() * 1e-3);
      }
      sketches.add(s);
      List<ExampleProvenance.Piece> pieces = new ArrayList<>();
      for (int p = 0; p < 1 + e % 3; p++) {
        byte[] id = new byte[32];
        byte[] addr = new byte[20];
        rnd.nextBytes(id);
        rnd.nextBytes(addr);
        pieces.add(
            new ExampleProvenance.Piece(
                "0x" + HexFormat.of().formatHex(id),
                "0x" + HexFormat.of().formatHex(addr),
                rnd.nextInt(512)));
      }
      prov.add(new ExampleProvenance(pieces));
    }
    byte[] seed = new byte[32];
    rnd.nextBytes(seed);
    Path file = dir.resolve("influence-store.bin");
    InfluenceStore.Written w = InfluenceStore.write(file, LAYOUT, seed, 0.1, sketches, prov);

    byte[] bytes = Files.readAllBytes(file);
    assertThat(w.bytes()).isEqualTo(bytes.length);
    assertThat(w.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    // Sketches take 2 bytes an entry: at most 4,096 bytes per example at k = 2048.
    assertThat(2 * LAYOUT.dimension()).isLessThanOrEqualTo(4096);

    InfluenceStore store = InfluenceStore.open(file);
    assertThat(store.examples()).isEqualTo(n);
    assertThat(store.projectionSeed()).isEqualTo(seed);
    assertThat(store.layout().factors()).isEqualTo(LAYOUT.factors());
    List<float[]> decoded = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      float[] want = new float[LAYOUT.dimension()];
      for (int j = 0; j < want.length; j++) {
        want[j] = Bfloat16.decode(Bfloat16.encode(sketches.get(e)[j]));
      }
      decoded.add(want);
      assertThat(store.sketch(e)).isEqualTo(want);
      assertThat(store.provenance(e)).isEqualTo(prov.get(e));
    }
    // The stored preconditioner is the one fitted to the stored (rounded) sketches.
    BlockPreconditioner refit = BlockPreconditioner.fit(LAYOUT, decoded, 0.1);
    for (int f = 0; f < LAYOUT.factors().size(); f++) {
      assertThat(store.preconditioner().inverse(f)).isEqualTo(refit.inverse(f));
    }
    double[] q = refit.precondition(sketches.get(3));
    double[] scores = store.scores(q);
    for (int e = 0; e < n; e++) {
      assertThat(scores[e]).isEqualTo(InfluenceScorer.score(q, decoded.get(e), 0));
    }
    assertThat(scores[3]).isPositive();
  }

  @Test
  void refusesAnotherVersionAndATruncatedFile() throws IOException {
    Path file = dir.resolve("s.bin");
    InfluenceStore.write(
        file,
        LAYOUT,
        new byte[32],
        0.1,
        List.of(new float[LAYOUT.dimension()]),
        List.of(new ExampleProvenance(List.of())));
    byte[] bytes = Files.readAllBytes(file);
    byte[] other = bytes.clone();
    ByteBuffer.wrap(other).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
    Files.write(dir.resolve("v2.bin"), other);
    assertThatThrownBy(() -> InfluenceStore.open(dir.resolve("v2.bin")))
        .hasMessageContaining("format version 2");
    Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(bytes, bytes.length - 1));
    assertThatThrownBy(() -> InfluenceStore.open(dir.resolve("cut.bin")))
        .hasMessageContaining("out of bounds");
  }

  /** Naive reference: of the two bfloat16 values around f, the nearer; a tie to the even one. */
  @Property(tries = 2000)
  void bfloat16RoundsToNearestEven(@ForAll float f) {
    if (!Float.isFinite(f) || Math.abs(f) > 3.38e38f) {
      return;
    }
    int bits = Float.floatToRawIntBits(f);
    short down = (short) (bits >>> 16);
    short up = (short) (down + 1);
    BigDecimal x = new BigDecimal(f);
    BigDecimal dDown = x.subtract(new BigDecimal(Bfloat16.decode(down))).abs();
    BigDecimal dUp =
        Float.isFinite(Bfloat16.decode(up))
            ? x.subtract(new BigDecimal(Bfloat16.decode(up))).abs()
            : null;
    short want;
    if (dUp == null || dDown.compareTo(dUp) < 0) {
      want = down;
    } else if (dUp.compareTo(dDown) < 0) {
      want = up;
    } else {
      want = (down & 1) == 0 ? down : up;
    }
    assertThat(Bfloat16.encode(f)).isEqualTo(want);
  }
}
