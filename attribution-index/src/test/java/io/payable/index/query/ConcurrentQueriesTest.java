package io.payable.index.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.index.shard.Document;
import io.payable.index.shard.IndexWriter;
import io.payable.index.tokenize.ByteTokenizer;
import io.payable.index.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One open index serves many threads at once with the same answers as one thread. */
class ConcurrentQueriesTest {

  @TempDir Path dir;

  @Test
  void concurrentQueriesAgreeWithSequentialOnes() throws Exception {
    Tokenizer bytes = new ByteTokenizer();
    Random random = new Random(9);
    try (IndexWriter writer =
        IndexWriter.builder(dir, bytes).shardSymbols(2_000).parallelism(3).build()) {
      for (int d = 0; d < 60; d++) {
        writer.add(
            new Document(
                "doc" + d,
                "dn",
                "0x" + (d % 5),
                QueryPropertiesTest.randomText(random, "ab c", 300)));
      }
    }
    try (ShardedIndex index = ShardedIndex.open(dir, bytes)) {
      assertThat(index.shards()).hasSizeGreaterThan(3);
      // Shards sealed in parallel still hold the documents in order.
      List<String> ids = new ArrayList<>();
      index.shards().forEach(s -> s.documents().forEach(d -> ids.add(d.docId())));
      assertThat(ids).hasSize(60).startsWith("doc0", "doc1").endsWith("doc59");
      List<int[]> queries = new ArrayList<>();
      for (int q = 0; q < 40; q++) {
        queries.add(bytes.encode(QueryPropertiesTest.randomText(random, "ab c", 4 + q)));
      }
      List<String> expected = new ArrayList<>();
      for (int[] q : queries) {
        expected.add(answer(index, q));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> futures = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
          for (int[] q : queries) {
            futures.add(pool.submit(() -> answer(index, q)));
          }
        }
        for (int i = 0; i < futures.size(); i++) {
          assertThat(futures.get(i).get()).isEqualTo(expected.get(i % queries.size()));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static String answer(ShardedIndex index, int[] q) {
    return index.count(q)
        + " "
        + index.locate(q, 5).size()
        + " "
        + QueryPropertiesTest.summary(index.maximalSpans(q, SpanParams.defaults()));
  }
}
