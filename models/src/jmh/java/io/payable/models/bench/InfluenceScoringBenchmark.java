package io.payable.models.bench;

import io.payable.models.Projection;
import io.payable.models.influence.ContributorInfluence;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceMatrix;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.influence.SketchLayout;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Version 2's per-event scoring on one core. The goal is under 20 ms for 100,000 examples at k =
 * 2048. Layout: a 1B Llama (16 layers, seven projections, r 16), 224 blocks. {@code
 * scoreEveryExample}: one event at a time against the memory-mapped store (the reference order of
 * {@link io.payable.models.influence.InfluenceScorer}); {@code batchOf32}: what the attribution job
 * does per event, a micro-batch of 32 queries preconditioned, scored together against an {@link
 * InfluenceMatrix} and aggregated per contributor (reported per event). Side by side, the same with
 * earlier kernels of V2.6 step 2 in double arithmetic: {@code batchOf32Tile32} ({@link
 * Tile32Matrix}, the first) and {@code batchOf32Double} ({@link DoubleTileMatrix}, today's tiling
 * in double).
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

  private static final int BATCH = 32;

  private Path file;
  private InfluenceStore store;
  private InfluenceMatrix matrix;
  private Tile32Matrix previous;
  private DoubleTileMatrix doubles;
  private ContributorInfluence.Table table;
  private float[] query;
  private float[][] queries;

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
    for (int n = 0; n < examples; n++) {
      // 64 contributors, one contribution per example.
      ExampleProvenance one =
          new ExampleProvenance(
              List.of(
                  new ExampleProvenance.Piece(
                      String.format("0x%064x", n), String.format("0x%040x", n % 64), 1023)));
      float[] s = new float[layout.dimension()];
      for (int j = 0; j < s.length; j++) {
        s[j] = (float) (rnd.nextDouble() - 0.5);
      }
      sketches.add(s);
      prov.add(one);
    }
    query = sketches.get(0).clone();
    queries = new float[BATCH][];
    for (int b = 0; b < BATCH; b++) {
      queries[b] = sketches.get(1 + b).clone();
    }
    file = Files.createTempFile("influence-bench", ".bin");
    InfluenceStore.write(file, layout, new byte[32], 0.1, sketches, prov);
    previous = Tile32Matrix.of(layout.dimension(), sketches);
    doubles = DoubleTileMatrix.of(layout.dimension(), sketches);
    sketches.clear();
    store = InfluenceStore.open(file);
    matrix = InfluenceMatrix.of(store);
    table = ContributorInfluence.Table.of(prov);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
  }

  /**
   * CPU time of the benchmark thread per scored event (nanoseconds), beside the wall time: on a
   * shared machine the wall time is mostly the wait for a core.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    public long cpuNanos;
    public long events;

    long now() {
      return MX.getCurrentThreadCpuTime();
    }

    @Setup(Level.Iteration)
    public void reset() {
      cpuNanos = 0;
      events = 0;
    }
  }

  @Benchmark
  public double[] scoreEveryExample(Cpu cpu) {
    long t0 = cpu.now();
    double[] s = store.scores(store.preconditioner().precondition(query));
    cpu.cpuNanos += cpu.now() - t0;
    cpu.events++;
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Map<String, Double>> batchOf32(Cpu cpu) {
    return batch(cpu, matrix::scores);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Map<String, Double>> batchOf32Tile32(Cpu cpu) {
    return batch(cpu, previous::scores);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Map<String, Double>> batchOf32Double(Cpu cpu) {
    return batch(cpu, doubles::scores);
  }

  private List<Map<String, Double>> batch(
      Cpu cpu, java.util.function.UnaryOperator<double[][]> kernel) {
    long t0 = cpu.now();
    double[][] pre = new double[BATCH][];
    for (int b = 0; b < BATCH; b++) {
      pre[b] = store.preconditioner().precondition(queries[b]);
    }
    double[][] scores = kernel.apply(pre);
    List<Map<String, Double>> out = new ArrayList<>(BATCH);
    for (double[] s : scores) {
      out.add(table.rawWeights(s, null));
    }
    cpu.cpuNanos += cpu.now() - t0;
    cpu.events += BATCH;
    return out;
  }
}
