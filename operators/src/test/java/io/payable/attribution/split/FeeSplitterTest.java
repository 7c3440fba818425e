package io.payable.attribution.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.index.scoring.ContributorScore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FeeSplitterTest {

  private static final String OWNER = "0xowner";
  private static final String WORKER = "0xworker";
  private static final String PROTOCOL = "0xprotocol";
  private static final BigInteger UINT256_MAX =
      BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

  @Test
  void theWorkedExampleOfTheSpec() {
    FeeSplitter splitter = new FeeSplitter(new FeeSplitParams(7000, 1500, 1000, 500), PROTOCOL);
    List<Payout> payouts =
        splitter.split(
            BigInteger.valueOf(1_000_003),
            List.of(new ContributorScore("0xa", 7, 0.7), new ContributorScore("0xb", 3, 0.3)),
            OWNER,
            WORKER,
            Map.of());
    assertThat(amountOf(payouts, "0xa")).isEqualTo(490_001);
    assertThat(amountOf(payouts, "0xb")).isEqualTo(210_001);
    assertThat(amountOf(payouts, OWNER)).isEqualTo(150_000);
    assertThat(amountOf(payouts, WORKER)).isEqualTo(100_000);
    // 50,000 protocol pool + the 3 wei the four floors left.
    assertThat(amountOf(payouts, PROTOCOL)).isEqualTo(50_001);
    assertThat(sum(payouts)).isEqualTo(BigInteger.valueOf(1_000_003));
  }

  @Test
  void unattributedFeesPayTheDatanetTreasuriesBySize() {
    FeeSplitter splitter = new FeeSplitter(new FeeSplitParams(7000, 1500, 1000, 500), PROTOCOL);
    List<Payout> payouts =
        splitter.split(
            BigInteger.valueOf(10_000), List.of(), OWNER, WORKER, Map.of("0xt1", 1L, "0xt2", 3L));
    assertThat(amountOf(payouts, "0xt1")).isEqualTo(1_750);
    assertThat(amountOf(payouts, "0xt2")).isEqualTo(5_250);
    assertThat(payouts).filteredOn(p -> p.role() == PayoutRole.DATANET_TREASURY).hasSize(2);
    List<Payout> empty =
        splitter.split(BigInteger.valueOf(10_000), List.of(), OWNER, WORKER, Map.of("0xt", 0L));
    assertThat(amountOf(empty, PROTOCOL))
        .as("no sizes: the data pool goes to the protocol")
        .isEqualTo(7_500);
  }

  @Test
  void theSplitMustSumTo10000Bps() {
    assertThatThrownBy(() -> new FeeSplitParams(7000, 1500, 1000, 400))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 1000)
  void payoutsAlwaysSumToTheFeeAndNeverGoNegative(
      @ForAll("fees") BigInteger fee,
      @ForAll("splits") FeeSplitParams params,
      @ForAll("weights") List<Double> weights,
      @ForAll @IntRange(min = 0, max = 5) int datanets) {
    List<ContributorScore> scores = scores(weights);
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (int d = 0; d < datanets; d++) {
      sizes.put("0xtreasury" + d, (long) (d * 7919 % 13));
    }
    List<Payout> payouts =
        new FeeSplitter(params, PROTOCOL).split(fee, scores, OWNER, WORKER, sizes);
    assertThat(sum(payouts)).isEqualTo(fee);
    assertThat(payouts).allSatisfy(p -> assertThat(p.amount().signum()).isNotNegative());
  }

  @Property(tries = 500)
  void eachContributorGetsTheFloorOrCeilingOfItsQuotaLargestFractionsFirst(
      @ForAll("fees") BigInteger fee, @ForAll("weights") List<Double> weights) {
    List<ContributorScore> scores = scores(weights);
    if (scores.isEmpty()) {
      return;
    }
    FeeSplitParams params = new FeeSplitParams(10_000, 0, 0, 0);
    List<Payout> payouts =
        new FeeSplitter(params, PROTOCOL).split(fee, scores, OWNER, WORKER, Map.of());
    BigDecimal shareSum =
        scores.stream()
            .map(s -> new BigDecimal(s.share()))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal minFractionUp = null;
    BigDecimal maxFractionDown = null;
    for (ContributorScore s : scores) {
      BigDecimal quota =
          shareSum.compareTo(BigDecimal.ONE) <= 0
              ? new BigDecimal(fee).multiply(new BigDecimal(s.share()))
              : new BigDecimal(fee)
                  .multiply(new BigDecimal(s.share()))
                  .divide(shareSum, 80, RoundingMode.DOWN);
      BigInteger floor = quota.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
      BigInteger got = BigInteger.valueOf(0).add(amount(payouts, s.contributor()));
      assertThat(got).isBetween(floor, floor.add(BigInteger.ONE));
      BigDecimal fraction = quota.subtract(new BigDecimal(floor));
      if (got.equals(floor.add(BigInteger.ONE))) {
        minFractionUp = minFractionUp == null ? fraction : minFractionUp.min(fraction);
      } else {
        maxFractionDown = maxFractionDown == null ? fraction : maxFractionDown.max(fraction);
      }
    }
    if (minFractionUp != null && maxFractionDown != null) {
      assertThat(minFractionUp).isGreaterThanOrEqualTo(maxFractionDown);
    }
  }

  @Test
  void equalFractionsGiveTheLastWeiToTheAscendingAddressFirst() {
    FeeSplitter splitter = new FeeSplitter(new FeeSplitParams(10_000, 0, 0, 0), PROTOCOL);
    // Quotas 1, 0.5, 0.5 of 2 wei: one wei is left and 0xb, 0xc tie on the fraction 0.5.
    List<ContributorScore> scores =
        List.of(
            new ContributorScore("0xd", 2, 0.5),
            new ContributorScore("0xc", 1, 0.25),
            new ContributorScore("0xb", 1, 0.25));
    List<Payout> payouts = splitter.split(BigInteger.TWO, scores, OWNER, WORKER, Map.of());
    assertThat(amountOf(payouts, "0xd")).isEqualTo(1);
    assertThat(amountOf(payouts, "0xb")).isEqualTo(1);
    assertThat(amountOf(payouts, "0xc")).isZero();
    // Java String order: upper case sorts before lower case ('B' < 'a').
    List<Payout> mixed =
        splitter.split(
            BigInteger.ONE,
            List.of(new ContributorScore("0xa1", 1, 0.5), new ContributorScore("0xB2", 1, 0.5)),
            OWNER,
            WORKER,
            Map.of());
    assertThat(amountOf(mixed, "0xB2")).isEqualTo(1);
    assertThat(amountOf(mixed, "0xa1")).isZero();
  }

  @Test
  void equalDatanetSizesGiveTheLastWeiToTheAscendingTreasuryFirst() {
    FeeSplitter splitter = new FeeSplitter(new FeeSplitParams(10_000, 0, 0, 0), PROTOCOL);
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put("0xt3", 5L);
    sizes.put("0xt2", 5L);
    sizes.put("0xt1", 5L);
    List<Payout> payouts = splitter.split(BigInteger.valueOf(8), List.of(), OWNER, WORKER, sizes);
    assertThat(amountOf(payouts, "0xt1")).isEqualTo(3);
    assertThat(amountOf(payouts, "0xt2")).isEqualTo(3);
    assertThat(amountOf(payouts, "0xt3")).isEqualTo(2);
  }

  @Property(tries = 300)
  void equalSharesPayTheAscendingAddressesFirst(
      @ForAll("fees") BigInteger fee,
      @ForAll @IntRange(min = 2, max = 12) int k,
      @ForAll long seed) {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      addresses.add(
          String.format("0x%040x", new java.util.Random(seed + i).nextLong() & Long.MAX_VALUE));
    }
    List<ContributorScore> scores = new ArrayList<>();
    for (String a : addresses) {
      scores.add(new ContributorScore(a, 1, 1.0 / k));
    }
    List<Payout> payouts =
        new FeeSplitter(new FeeSplitParams(10_000, 0, 0, 0), PROTOCOL)
            .split(fee, scores, OWNER, WORKER, Map.of());
    List<BigInteger> byAddress =
        addresses.stream().sorted().distinct().map(a -> amount(payouts, a)).toList();
    // Equal quotas: amounts differ by at most one wei, and the extra wei go to the lowest
    // addresses.
    for (int i = 1; i < byAddress.size(); i++) {
      BigInteger previous = byAddress.get(i - 1);
      assertThat(byAddress.get(i)).isBetween(previous.subtract(BigInteger.ONE), previous);
    }
    assertThat(byAddress.get(0).subtract(byAddress.get(byAddress.size() - 1)))
        .isBetween(BigInteger.ZERO, BigInteger.ONE);
  }

  /** Shares normalised in doubles, as the scorer produces them. */
  private static List<ContributorScore> scores(List<Double> weights) {
    double total = weights.stream().mapToDouble(Double::doubleValue).sum();
    List<ContributorScore> out = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      out.add(new ContributorScore("0xc" + i, weights.get(i), weights.get(i) / total));
    }
    return out;
  }

  @Provide
  Arbitrary<BigInteger> fees() {
    return Arbitraries.oneOf(
        Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(1000)),
        Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(24)),
        Arbitraries.bigIntegers().between(BigInteger.ZERO, UINT256_MAX));
  }

  @Provide
  Arbitrary<FeeSplitParams> splits() {
    return Arbitraries.integers()
        .between(0, 10_000)
        .list()
        .ofSize(3)
        .map(
            cuts -> {
              List<Integer> sorted = new ArrayList<>(cuts);
              sorted.sort(Integer::compare);
              return new FeeSplitParams(
                  sorted.get(0),
                  sorted.get(1) - sorted.get(0),
                  sorted.get(2) - sorted.get(1),
                  10_000 - sorted.get(2));
            });
  }

  @Provide
  Arbitrary<List<Double>> weights() {
    return Arbitraries.doubles().between(0.001, 1e6).ofScale(3).list().ofMaxSize(12);
  }

  private static long amountOf(List<Payout> payouts, String recipient) {
    return amount(payouts, recipient).longValueExact();
  }

  private static BigInteger amount(List<Payout> payouts, String recipient) {
    return payouts.stream()
        .filter(p -> p.recipient().equals(recipient))
        .map(Payout::amount)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  private static BigInteger sum(List<Payout> payouts) {
    return payouts.stream().map(Payout::amount).reduce(BigInteger.ZERO, BigInteger::add);
  }
}
