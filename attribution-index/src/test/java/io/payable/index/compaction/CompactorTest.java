package io.payable.index.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.index.query.ShardedIndex;
import io.payable.index.query.SpanParams;
import io.payable.index.shard.Document;
import io.payable.index.shard.IndexLayout;
import io.payable.index.shard.IndexWriter;
import io.payable.index.tokenize.TiktokenTokenizer;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tombstone.Tombstones;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {

  @TempDir Path dir;

  private final Tokenizer tokenizer = TiktokenTokenizer.cl100kBase();

  @Test
  void tombstonedDocumentsLeaveQueriesThenCompactionDropsThem() {
    try (IndexWriter writer = IndexWriter.builder(dir, tokenizer).shardSymbols(40).build()) {
      for (int i = 0; i < 6; i++) {
        writer.add(
            new Document(
                "doc" + i,
                "dn",
                "0x" + (i % 2),
                "the quick brown fox jumps over the lazy dog number " + i));
      }
    }
    assertThat(IndexLayout.shardDirs(dir)).hasSizeGreaterThan(1);
    int[] query = tokenizer.encode("the quick brown fox jumps over");
    try (ShardedIndex index = ShardedIndex.open(dir)) {
      assertThat(index.locate(query, 100)).hasSize(6);
      Tombstones.of(List.of("doc1", "doc4")).save(dir);
      index.setTombstones(Tombstones.load(dir));
      assertThat(index.locate(query, 100))
          .extracting(o -> o.document().docId())
          .containsExactly("doc0", "doc2", "doc3", "doc5");
      assertThat(index.maximalSpans(query, SpanParams.defaults()).get(0).documentCount())
          .isEqualTo(4);
    }

    assertThat(new Compactor(tokenizer, 1_000).compact(dir)).isPresent();
    assertThat(IndexLayout.shardDirs(dir)).hasSize(1);
    try (ShardedIndex index = ShardedIndex.open(dir)) {
      index.setTombstones(Tombstones.none());
      assertThat(index.count(query)).isEqualTo(4);
      assertThat(index.shards().get(0).documents())
          .extracting(d -> d.docId())
          .containsExactly("doc0", "doc2", "doc3", "doc5");
      assertThat(index.documentText(0, 1))
          .isEqualTo("the quick brown fox jumps over the lazy dog number 2");
    }
    assertThat(new Compactor(tokenizer, 1_000).compact(dir)).isEmpty();
  }
}
