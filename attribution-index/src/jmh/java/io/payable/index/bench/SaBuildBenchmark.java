package io.payable.index.bench;

import io.payable.index.sais.SuffixArrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suffix-array build time, single thread: {@code bytes} symbols (synthetic English-like text,
 * alphabet 256) and {@code o200k} symbols (Zipf over the o200k_base vocabulary with copied
 * passages). Throughput in symbols/s is {@code symbols / time}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xms6g", "-Xmx6g"})
public class SaBuildBenchmark {

  @Param({"bytes", "o200k"})
  public String kind;

  @Param({"1000000", "10000000"})
  public int symbols;

  private int[] text;
  private int alphabet;

  @Setup(Level.Trial)
  public void setUp() {
    if (kind.equals("bytes")) {
      byte[] bytes = Synthetic.text(symbols, 1);
      text = new int[symbols];
      for (int i = 0; i < symbols; i++) {
        text[i] = bytes[i] & 0xff;
      }
      alphabet = 256;
    } else {
      alphabet = 200_020;
      text = Synthetic.symbols(symbols, alphabet, 1);
    }
  }

  @Benchmark
  public int[] build() {
    return SuffixArrays.build(text, symbols, alphabet);
  }
}
