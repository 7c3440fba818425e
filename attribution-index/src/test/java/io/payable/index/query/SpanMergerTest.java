package io.payable.index.query;

import static io.payable.index.query.QueryPropertiesTest.bruteSpans;
import static io.payable.index.query.QueryPropertiesTest.build;
import static io.payable.index.query.QueryPropertiesTest.corpus;
import static io.payable.index.query.QueryPropertiesTest.deleteTree;
import static io.payable.index.query.QueryPropertiesTest.randomText;
import static io.payable.index.query.QueryPropertiesTest.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.index.shard.Shard;
import io.payable.index.tokenize.ByteTokenizer;
import io.payable.index.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Spreading the shards of an index over any number of groups and merging the groups' partial
 * matches gives exactly the maximal spans of the whole index: offsets, counts, documents in order,
 * and weights bit for bit, each also checked against the brute-force reference of the spec.
 */
class SpanMergerTest {

  private static final Tokenizer BYTES = new ByteTokenizer();

  @Property(tries = 60)
  void mergedGroupsEqualTheWholeIndex(
      @ForAll long seed,
      @ForAll @IntRange(min = 8, max = 200) int shardSymbols,
      @ForAll @IntRange(min = 1, max = 5) int groups,
      @ForAll @IntRange(min = 1, max = 4) int minLength,
      @ForAll @IntRange(min = 1, max = 12) int maxOccurrences,
      @ForAll boolean delimiters)
      throws IOException {
    Random random = new Random(seed);
    String alphabet = "ab c.";
    var corpus = corpus(random, 1 + random.nextInt(20), alphabet, 80);
    SpanParams params =
        SpanParams.builder()
            .minLength(minLength)
            .maxOccurrences(maxOccurrences)
            .delimiters(delimiters ? Set.of((int) '.') : Set.of())
            .build();
    Path dir = Files.createTempDirectory("idx");
    try (ShardedIndex whole = build(dir, corpus, shardSymbols)) {
      List<List<Integer>> members = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        members.add(new ArrayList<>());
      }
      for (int s = 0; s < whole.shards().size(); s++) {
        members.get(random.nextInt(groups)).add(s);
      }
      Collections.shuffle(members, random);
      List<ShardedIndex> parts = new ArrayList<>();
      List<List<String>> keys = new ArrayList<>();
      for (List<Integer> group : members) {
        List<Shard> shards = group.stream().map(whole.shards()::get).toList();
        parts.add(ShardedIndex.of(shards, BYTES, whole.tombstones()));
        keys.add(group.stream().map(s -> String.format("%010d", s)).toList());
      }
      for (int q = 0; q < 5; q++) {
        int[] query = BYTES.encode(randomText(random, alphabet, random.nextInt(40)));
        List<PartialMatch> partials = new ArrayList<>();
        for (int g = 0; g < parts.size(); g++) {
          partials.add(parts.get(g).partialMatch(query, params, keys.get(g)));
        }
        List<Span> merged = SpanMerger.merge(partials, params);
        assertThat(merged).isEqualTo(whole.maximalSpans(query, params));
        // ... and both equal the spec computed from the documents, weights bit for bit.
        assertThat(summary(merged)).isEqualTo(summary(bruteSpans(corpus, query, params)));
      }
      parts.forEach(ShardedIndex::close);
    } finally {
      deleteTree(dir);
    }
  }

  @Property(tries = 20)
  void aGroupWithoutShardsChangesNothing(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    var corpus = corpus(random, 1 + random.nextInt(10), "ab c", 60);
    SpanParams params = SpanParams.defaults();
    Path dir = Files.createTempDirectory("idx");
    try (ShardedIndex whole = build(dir, corpus, 64)) {
      int[] query = BYTES.encode(randomText(random, "ab c", 30));
      List<String> keys = new ArrayList<>();
      for (int s = 0; s < whole.shards().size(); s++) {
        keys.add(String.format("%010d", s));
      }
      PartialMatch all = whole.partialMatch(query, params, keys);
      assertThat(SpanMerger.merge(List.of(PartialMatch.empty(query.length), all), params))
          .isEqualTo(whole.maximalSpans(query, params));
    } finally {
      deleteTree(dir);
    }
  }
}
