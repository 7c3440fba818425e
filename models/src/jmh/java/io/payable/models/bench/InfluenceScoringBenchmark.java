package io.payable.models.bench;

import io.payable.models.Projection;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.influence.SketchLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Version 2's per-event scoring on one core: precondition the query, score every training example
 * of a memory-mapped influence store (bfloat16 sketches). The goal is under 20 ms for 100,000
 * examples at k = 2048. Layout: a 1B Llama (16 layers, seven projections, r 16), 224 blocks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx5g"})
public class InfluenceScoringBenchmark {
  @Param({"100000"})
  public int examples;

  private Path file;
  private InfluenceStore store;
  private float[] query;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    List<SketchLayout.Adapted> adapted = new ArrayList<>();
    for (int l = 0; l < 16; l++) {
      for (Projection p : Projection.values()) {
        adapted.add(new SketchLayout.Adapted(l, p, 16, 2048, 2048));
      }
    }
    SketchLayout layout = SketchLayout.defaults(adapted, 2048);
    SplittableRandom rnd = new SplittableRandom(1);
    List<float[]> sketches = new ArrayList<>(examples);
    List<ExampleProvenance> prov = new ArrayList<>(examples);
    ExampleProvenance one =
        new ExampleProvenance(
            List.of(
                new ExampleProvenance.Piece("0x" + "01".repeat(32), "0x" + "ab".repeat(20), 1023)));
    for (int n = 0; n < examples; n++) {
      float[] s = new float[layout.dimension()];
      for (int j = 0; j < s.length; j++) {
        s[j] = (float) (rnd.nextDouble() - 0.5);
      }
      sketches.add(s);
      prov.add(one);
    }
    query = sketches.get(0).clone();
    file = Files.createTempFile("influence-bench", ".bin");
    InfluenceStore.write(file, layout, new byte[32], 0.1, sketches, prov);
    store = InfluenceStore.open(file);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
  }

  @Benchmark
  public double[] scoreEveryExample() {
    return store.scores(store.preconditioner().precondition(query));
  }
}
