package io.payable.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.client.Redemption;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The per-epoch redemptions against a naive reference: each consumer charged in an epoch is
 * redeemed for the sum of all its fees so far, never above its highest voucher.
 */
class ConsumerChargeBookTest {

  private static final String[] CONSUMERS = {
    "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
    "0x90f79bf6eb2c4f870365e785982e1f101e93b906"
  };
  private static final String SIGNATURE = "0x" + "1b".repeat(65);

  private static InferenceEvent.PaymentVoucher voucher(long amount) {
    return new InferenceEvent.PaymentVoucher(BigInteger.valueOf(amount), 99, SIGNATURE);
  }

  /**
   * @param steps each step: consumer index (0-2) and fee (1-1000); a fee of 0 closes the epoch
   */
  @Property(tries = 200)
  void redemptionsAreCumulativeFeesPerConsumer(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 2) Integer> consumers,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1000) Integer> fees) {
    ConsumerChargeBook book = new ConsumerChargeBook();
    Map<String, Long> total = new HashMap<>();
    List<String> chargedThisEpoch = new ArrayList<>();
    int n = Math.min(consumers.size(), fees.size());
    for (int i = 0; i <= n; i++) {
      if (i == n || fees.get(i) == 0) {
        List<Redemption> batch = book.closeEpoch().redemptions();
        assertThat(batch)
            .extracting(r -> r.voucher().voucher().consumer())
            .containsExactlyElementsOf(chargedThisEpoch.stream().distinct().sorted().toList());
        for (Redemption r : batch) {
          long expected = total.get(r.voucher().voucher().consumer());
          assertThat(r.charged()).isEqualTo(BigInteger.valueOf(expected));
          // The voucher: the consumer's running total when last charged, plus slack of 5.
          assertThat(r.voucher().voucher().cumulativeAmount())
              .isEqualTo(BigInteger.valueOf(expected + 5));
        }
        chargedThisEpoch.clear();
        continue;
      }
      String c = CONSUMERS[consumers.get(i)];
      long after = total.merge(c, (long) fees.get(i), Long::sum);
      book.charge(c, BigInteger.valueOf(fees.get(i)), voucher(after + 5));
      chargedThisEpoch.add(c);
    }
  }

  @Test
  void aRepeatedCloseRedeemsNothingNewAndAnUncoveredConsumerIsReported() {
    ConsumerChargeBook book = new ConsumerChargeBook();
    book.charge(CONSUMERS[0], BigInteger.TEN, voucher(100));
    book.charge(CONSUMERS[1], BigInteger.TEN, voucher(15));
    book.charge(CONSUMERS[1], BigInteger.TEN, voucher(12)); // 20 > highest voucher 15
    ConsumerChargeBook.ClosedEpoch closed = book.closeEpoch();
    assertThat(closed.redemptions())
        .singleElement()
        .satisfies(r -> assertThat(r.charged()).isEqualTo(BigInteger.TEN));
    assertThat(closed.uncovered()).containsExactly(Map.entry(CONSUMERS[1], BigInteger.valueOf(5)));
    assertThat(book.closeEpoch().redemptions()).isEmpty();
    assertThat(book.charged(CONSUMERS[0].toUpperCase().replace("0X", "0x")))
        .isEqualTo(BigInteger.TEN);
  }

  @Test
  void aRestoredBookContinuesFromItsChargesAndAnUnverifiedVoucherCoversNothing() {
    ConsumerChargeBook book = new ConsumerChargeBook();
    book.restore(CONSUMERS[0], BigInteger.valueOf(40), voucher(50));
    book.restore(CONSUMERS[1], BigInteger.valueOf(7), null);
    // Restoring charges nobody in the open epoch.
    assertThat(book.closeEpoch().redemptions()).isEmpty();

    book.restore(CONSUMERS[0], BigInteger.valueOf(40), voucher(50));
    book.charge(CONSUMERS[0], BigInteger.TEN, null); // its signature did not verify
    book.charge(CONSUMERS[1], BigInteger.ONE, null);
    ConsumerChargeBook.ClosedEpoch closed = book.closeEpoch();
    // 40 + 10 = 50: the restored voucher still covers it.
    assertThat(closed.redemptions())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.charged()).isEqualTo(BigInteger.valueOf(50));
              assertThat(r.voucher().voucher().cumulativeAmount())
                  .isEqualTo(BigInteger.valueOf(50));
            });
    // No valid voucher at all: all 8 wei of its charges are uncovered.
    assertThat(closed.uncovered()).containsExactly(Map.entry(CONSUMERS[1], BigInteger.valueOf(8)));
  }
}
