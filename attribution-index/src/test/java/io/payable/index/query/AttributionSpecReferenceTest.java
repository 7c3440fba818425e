package io.payable.index.query;

import static io.payable.index.query.QueryPropertiesTest.bruteSpans;
import static io.payable.index.query.QueryPropertiesTest.build;
import static io.payable.index.query.QueryPropertiesTest.corpus;
import static io.payable.index.query.QueryPropertiesTest.deleteTree;
import static io.payable.index.query.QueryPropertiesTest.randomText;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.index.scoring.AttributionScorer;
import io.payable.index.scoring.ContributorScore;
import io.payable.index.tokenize.ByteTokenizer;
import io.payable.index.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Sections 5 and 6 of docs/attribution.md computed from the documents alone (brute-force spans,
 * unigram counts over every document, contributor sums in the stated order) and compared bit for
 * bit with what the index and {@link AttributionScorer} produce over multi-shard indexes with
 * tombstones.
 */
class AttributionSpecReferenceTest {

  private static final Tokenizer BYTES = new ByteTokenizer();

  @Property(tries = 60)
  void sharesEqualTheSpecBitForBit(
      @ForAll long seed,
      @ForAll @IntRange(min = 8, max = 300) int shardSymbols,
      @ForAll @IntRange(min = 1, max = 3) int minLength,
      @ForAll @IntRange(min = 0, max = 6000) int thresholdBps)
      throws IOException {
    Random random = new Random(seed);
    String alphabet = "ab c.";
    QueryPropertiesTest.Corpus corpus = corpus(random, 2 + random.nextInt(20), alphabet, 80);
    SpanParams params = SpanParams.builder().minLength(minLength).maxOccurrences(12).build();
    AttributionScorer scorer = new AttributionScorer(thresholdBps);
    Path dir = Files.createTempDirectory("idx");
    try (ShardedIndex index = build(dir, corpus, shardSymbols)) {
      for (int q = 0; q < 5; q++) {
        int[] query = BYTES.encode(randomText(random, alphabet, random.nextInt(40)));
        List<String> expected =
            specShares(bruteSpans(corpus, query, params), thresholdBps).stream()
                .map(AttributionSpecReferenceTest::bits)
                .toList();
        List<String> actual =
            scorer.score(index.maximalSpans(query, params)).stream()
                .map(AttributionSpecReferenceTest::bits)
                .sorted()
                .toList();
        assertThat(actual).isEqualTo(expected);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Section 6 of the spec, literally; returns contributors in ascending address order. */
  static List<ContributorScore> specShares(List<Span> spans, int thresholdBps) {
    TreeMap<String, Double> raw = new TreeMap<>();
    for (Span s : spans) {
      double weight = -s.unigramLogProb();
      int documents = s.documents().size();
      for (SpanDocument d : s.documents()) {
        double before = raw.containsKey(d.contributor()) ? raw.get(d.contributor()) : 0.0;
        raw.put(d.contributor(), before + weight / documents);
      }
    }
    double total = 0;
    for (String address : raw.keySet()) {
      total += raw.get(address);
    }
    List<ContributorScore> out = new ArrayList<>();
    if (total == 0) {
      return out;
    }
    List<String> kept = new ArrayList<>();
    for (String address : raw.keySet()) {
      if (!(raw.get(address) / total < thresholdBps / 10000.0)) {
        kept.add(address);
      }
    }
    double keptTotal = 0;
    for (String address : kept) {
      keptTotal += raw.get(address);
    }
    for (String address : kept) {
      out.add(new ContributorScore(address, raw.get(address), raw.get(address) / keptTotal));
    }
    return out;
  }

  private static String bits(ContributorScore s) {
    return s.contributor()
        + " raw="
        + Double.toHexString(s.rawWeight())
        + " share="
        + Double.toHexString(s.share());
  }
}
