package io.payable.attribution.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.index.query.ShardedIndex;
import io.payable.index.query.SpanParams;
import io.payable.index.scoring.AttributionScorer;
import io.payable.index.shard.Document;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizers;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventAttributorTest {

  private static final String ALICE = "0x000000000000000000000000000000000000a11c";
  private static final String BOB = "0x0000000000000000000000000000000000000b0b";
  private static final String TREASURY = "0x7ea5000000000000000000000000000000000000";
  private static final AdapterInfo ADAPTER =
      new AdapterInfo("moby-lora", "0xowner", List.of("moby"), Map.of("moby", TREASURY));

  @TempDir static Path dir;
  private static ShardedIndex index;

  @BeforeAll
  static void index() {
    ShardWriter writer = new ShardWriter(Tokenizers.byId("o200k_base"));
    writer.add(
        new Document(
            "d1",
            "moby",
            ALICE,
            "Call me Ishmael. Some years ago, never mind how long precisely, having little or no"
                + " money in my purse, and nothing particular to interest me on shore."));
    writer.add(
        new Document(
            "d2",
            "moby",
            BOB,
            "It is a way I have of driving off the spleen and regulating the circulation, whenever"
                + " I find myself growing grim about the mouth."));
    writer.write(dir.resolve("shard-0000000001"));
    index = ShardedIndex.open(dir);
  }

  @AfterAll
  static void close() {
    index.close();
  }

  private final EventAttributor attributor =
      new EventAttributor(
          SpanParams.builder().minLength(6).maxOccurrences(10).build(),
          new AttributionScorer(100),
          new FeeSplitter(new FeeSplitParams(7000, 1500, 1000, 500), "0xprotocol"),
          3_600_000);

  @Test
  void aReproducedPassagePaysItsContributorAndTheFeeSplitsExactly() {
    InferenceEvent event =
        event(
            "The model wrote: some years ago, never mind how long precisely, having little or no"
                + " money in my purse. Then it stopped.",
            BigInteger.valueOf(1_000_003));

    Attribution a = attributor.attribute(event, "0xoperator", ADAPTER, index, d -> 100);

    assertThat(a.attributed()).isTrue();
    assertThat(a.spans()).isNotEmpty();
    assertThat(a.scores())
        .singleElement()
        .satisfies(s -> assertThat(s.contributor()).isEqualTo(ALICE));
    assertThat(amount(a.payouts(), ALICE)).isEqualTo(BigInteger.valueOf(700_002));
    assertThat(total(a.payouts())).isEqualTo(event.feeWei());
    assertThat(a.epoch()).isEqualTo(event.doneTime().toEpochMilli() / 3_600_000);
  }

  @Test
  void anOutputWithNoSpanPaysTheDatanetTreasury() {
    InferenceEvent event =
        event("Quantum chromodynamics describes quarks and gluons.", BigInteger.valueOf(999));

    Attribution a = attributor.attribute(event, "0xoperator", ADAPTER, index, d -> 100);

    assertThat(a.attributed()).isFalse();
    assertThat(a.payouts())
        .filteredOn(p -> p.role() == PayoutRole.DATANET_TREASURY)
        .singleElement()
        .satisfies(p -> assertThat(p.recipient()).isEqualTo(TREASURY));
    assertThat(total(a.payouts())).isEqualTo(BigInteger.valueOf(999));
  }

  /**
   * docs/attribution.md, worked example (version 2, hybrid): gradient raw weights A 5, B 3, C 1,
   * spans credit only A; at gradient_threshold_bps 2,000 C (1/9) is dropped, g = 0.625 / 0.375,
   * mixed at 5,000 bps: 0.8125 / 0.1875 of the 700,002 wei data pool.
   */
  @Test
  void gradientSharesBelowTheirThresholdAreDroppedBeforeTheSplitAndTheMix() {
    String carol = "0x000000000000000000000000000000000000ca01";
    InferenceEvent event =
        event(
            "The model wrote: some years ago, never mind how long precisely, having little or no"
                + " money in my purse. Then it stopped.",
            BigInteger.valueOf(1_000_003));
    var spans =
        index.maximalSpans(
            event.outputText(), SpanParams.builder().minLength(6).maxOccurrences(10).build());
    var gradient =
        new io.payable.attribution.gradient.GradientResult(
            Map.of(ALICE, 5.0, BOB, 3.0, carol, 1.0), List.of(), false);
    AdapterInfo hybrid =
        new AdapterInfo("moby-lora", "0xowner", List.of("moby"), Map.of(), AdapterInfo.HYBRID);
    AdapterInfo gradientOnly =
        new AdapterInfo("moby-lora", "0xowner", List.of("moby"), Map.of(), AdapterInfo.GRADIENT);

    Attribution mixed =
        attributor.attribute(event, "0xoperator", hybrid, spans, gradient, 5_000, 2_000, d -> 1);
    assertThat(mixed.scores())
        .extracting(s -> s.contributor(), s -> s.share())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ALICE, 0.8125),
            org.assertj.core.groups.Tuple.tuple(BOB, 0.1875));
    // 568,751.625 and 131,250.375: the wei left goes to the larger fraction (A).
    assertThat(amount(mixed.payouts(), ALICE)).isEqualTo(BigInteger.valueOf(568_752));
    assertThat(amount(mixed.payouts(), BOB)).isEqualTo(BigInteger.valueOf(131_250));
    assertThat(amount(mixed.payouts(), carol)).isEqualTo(BigInteger.ZERO);
    assertThat(total(mixed.payouts())).isEqualTo(event.feeWei());

    // A gradient adapter: the kept raw weights go to section 6, shares 0.625 and 0.375:
    // 437,501.25 and 262,500.75, the wei left to B.
    Attribution grad =
        attributor.attribute(
            event, "0xoperator", gradientOnly, spans, gradient, 5_000, 2_000, d -> 1);
    assertThat(grad.scores())
        .extracting(s -> s.contributor(), s -> s.share())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ALICE, 0.625),
            org.assertj.core.groups.Tuple.tuple(BOB, 0.375));
    assertThat(amount(grad.payouts(), ALICE)).isEqualTo(BigInteger.valueOf(437_501));
    assertThat(amount(grad.payouts(), BOB)).isEqualTo(BigInteger.valueOf(262_501));

    // Without the threshold (0 bps) C keeps its 1/9 of the gradient, 1/18 of the mix.
    Attribution none =
        attributor.attribute(event, "0xoperator", hybrid, spans, gradient, 5_000, 0, d -> 1);
    assertThat(none.scores())
        .extracting(s -> s.contributor())
        .containsExactlyInAnyOrder(ALICE, BOB, carol);
    assertThat(total(none.payouts())).isEqualTo(event.feeWei());
  }

  private static InferenceEvent event(String output, BigInteger fee) {
    Instant done = Instant.parse("2026-11-21T12:34:56Z");
    return new InferenceEvent(
        "evt-1",
        "0xworker",
        "base",
        "moby-lora",
        "1",
        "0xconsumer",
        fee,
        InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
        BigInteger.ONE,
        output,
        10,
        20,
        done.minusSeconds(2),
        done.minusSeconds(1),
        done);
  }

  private static BigInteger amount(List<Payout> payouts, String recipient) {
    return payouts.stream()
        .filter(p -> p.recipient().equals(recipient))
        .map(Payout::amount)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  private static BigInteger total(List<Payout> payouts) {
    return payouts.stream().map(Payout::amount).reduce(BigInteger.ZERO, BigInteger::add);
  }

  @Test
  void paysAtMostTheCapOfContributorsWithTheHighestShares() {
    List<io.payable.index.scoring.ContributorScore> scores = new java.util.ArrayList<>();
    int n = EventAttributor.MAX_CONTRIBUTORS + 500;
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += n - i;
    }
    for (int i = 0; i < n; i++) {
      // Highest share first, as the scorer orders them; contributor names in reverse order.
      scores.add(
          new io.payable.index.scoring.ContributorScore(
              String.format("0x%040x", n - i), n - i, (n - i) / total));
    }
    var capped = EventAttributor.capped(scores, EventAttributor.MAX_CONTRIBUTORS);
    assertThat(capped).hasSize(EventAttributor.MAX_CONTRIBUTORS);
    assertThat(capped.get(0).contributor()).isEqualTo(String.format("0x%040x", n));
    assertThat(capped.get(capped.size() - 1).rawWeight()).isEqualTo(501.0);
    double kept = 0;
    for (int w = 501; w <= n; w++) {
      kept += w;
    }
    assertThat(capped.get(0).share())
        .isCloseTo(n / kept, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(capped.stream().mapToDouble(c -> c.share()).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(EventAttributor.capped(scores.subList(0, 10), EventAttributor.MAX_CONTRIBUTORS))
        .isEqualTo(scores.subList(0, 10));
  }
}
