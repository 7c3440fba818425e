package io.payable.attribution.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The consumer's charges and voucher on {@code rewards.attributed}: optional, strict when there.
 */
class AttributedRewardJsonTest {

  private static final String SIGNATURE = "0x" + "1b".repeat(65);
  private static final List<Payout> PAYOUTS =
      List.of(
          new Payout("0xcontributor", PayoutRole.CONTRIBUTOR, BigInteger.valueOf(7)),
          new Payout("0xtreasury", PayoutRole.PROTOCOL, BigInteger.valueOf(3)));

  private static AttributedReward reward(
      BigInteger charged, InferenceEvent.PaymentVoucher voucher) {
    return new AttributedReward(
        "ev-1",
        1_800_000_000_000L,
        500_000,
        "base",
        "lora",
        "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        "0xworker",
        BigInteger.TEN,
        true,
        PAYOUTS,
        charged,
        voucher);
  }

  @Test
  void aPaidRewardKeepsItsChargesAndVoucher() {
    var voucher =
        new InferenceEvent.PaymentVoucher(new BigInteger("1000000000000000000000"), 99, SIGNATURE);
    AttributedReward paid = reward(new BigInteger("999999999999999999990"), voucher);
    String json = new String(AttributedRewardJson.encode(paid), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"consumer_charged_wei\":\"999999999999999999990\"")
        .contains("\"amount_wei\":\"1000000000000000000000\"");
    assertThat(AttributedRewardJson.decode(AttributedRewardJson.encode(paid))).isEqualTo(paid);
  }

  @Test
  void anUnpaidRewardHasNeither() {
    AttributedReward free = reward(null, null);
    assertThat(new String(AttributedRewardJson.encode(free), StandardCharsets.UTF_8))
        .doesNotContain("consumer_");
    assertThat(AttributedRewardJson.decode(AttributedRewardJson.encode(free))).isEqualTo(free);
  }

  @Test
  void chargesAboveTheVoucherOrBelowTheFeeAreRefused() {
    var voucher = new InferenceEvent.PaymentVoucher(BigInteger.valueOf(20), 99, SIGNATURE);
    assertThatThrownBy(() -> reward(BigInteger.valueOf(21), voucher))
        .hasMessageContaining("above the consumer's voucher");
    assertThatThrownBy(() -> reward(BigInteger.valueOf(9), voucher))
        .hasMessageContaining("below its fee");
    assertThatThrownBy(() -> reward(BigInteger.TEN, null)).hasMessageContaining("without");
    String forged =
        new String(
                AttributedRewardJson.encode(reward(BigInteger.TEN, voucher)),
                StandardCharsets.UTF_8)
            .replace(SIGNATURE, "0xzz");
    assertThatThrownBy(() -> AttributedRewardJson.decode(forged.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
