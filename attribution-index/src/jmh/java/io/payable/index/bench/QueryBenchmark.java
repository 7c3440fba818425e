package io.payable.index.bench;

import io.payable.index.query.ShardedIndex;
import io.payable.index.query.Span;
import io.payable.index.query.SpanParams;
import io.payable.index.shard.IndexWriter;
import io.payable.index.tokenize.TiktokenTokenizer;
import io.payable.index.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Query latency on a one-shard o200k index of synthetic tokens (in page cache after setup): {@code
 * count} of a whole query and {@code maximalSpans} of it. Queries are passages of the index with a
 * token changed every ~24 tokens, so they hold long matches as model outputs do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms6g", "-Xmx6g"})
public class QueryBenchmark {

  @Param({"10000000"})
  public int symbols;

  @Param({"64", "512"})
  public int queryLength;

  private Path dir;
  private ShardedIndex index;
  private int[][] queries;
  private int[][] passages;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Tokenizer tokenizer = TiktokenTokenizer.o200kBase();
    // Ordinary o200k ids only: below the first special token.
    int[] text = Synthetic.symbols(symbols, 199_998, 7);
    dir = Files.createTempDirectory("query-bench");
    try (IndexWriter writer =
        IndexWriter.builder(dir, tokenizer).shardSymbols(Integer.MAX_VALUE - 16L).build()) {
      int start = 0;
      int doc = 0;
      for (int i = 0; i < text.length; i++) {
        if (text[i] == 0) {
          int[] tokens = new int[i - start];
          for (int k = 0; k < tokens.length; k++) {
            tokens[k] = text[start + k] - 1;
          }
          writer.addTokens("doc" + doc, "dn" + (doc % 4), "0x" + (doc % 97), tokens, "-");
          doc++;
          start = i + 1;
        }
      }
    }
    index = ShardedIndex.open(dir, tokenizer);
    Random random = new Random(3);
    queries = new int[32][];
    passages = new int[32][];
    for (int q = 0; q < queries.length; q++) {
      int from = random.nextInt(symbols - queryLength - 1);
      int[] query = new int[queryLength];
      int[] passage = new int[queryLength];
      for (int k = 0; k < queryLength; k++) {
        int s = text[from + k];
        query[k] = s == 0 || random.nextInt(24) == 0 ? random.nextInt(199_997) : s - 1;
        passage[k] = s == 0 ? 0 : s - 1;
      }
      queries[q] = query;
      passages[q] = passage;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    index.close();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private int[] nextQuery() {
    next = (next + 1) & (queries.length - 1);
    return queries[next];
  }

  @Benchmark
  public long count() {
    return index.count(nextQuery());
  }

  /** Count of a passage copied verbatim from the index (separators replaced): it occurs. */
  @Benchmark
  public long countPresent() {
    next = (next + 1) & (passages.length - 1);
    return index.count(passages[next]);
  }

  @Benchmark
  public List<Span> maximalSpans() {
    return index.maximalSpans(nextQuery(), SpanParams.builder().minLength(2).build());
  }
}
