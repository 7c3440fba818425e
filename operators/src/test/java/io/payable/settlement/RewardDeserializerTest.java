package io.payable.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardJson;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.ingest.record.RawRecord;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A paid reward carries its consumer's charge to the tree builder, or is rejected. */
class RewardDeserializerTest {

  private static final String RECIPIENT = "0x00000000000000000000000000000000000000aa";
  private static final InferenceEvent.PaymentVoucher VOUCHER =
      new InferenceEvent.PaymentVoucher(BigInteger.valueOf(50), 99, "0x" + "1b".repeat(65));

  private static RewardRecord read(String consumer, BigInteger charged) {
    AttributedReward reward =
        new AttributedReward(
            "ev-1",
            3_600_001,
            1,
            "base",
            "adapter",
            consumer,
            RECIPIENT,
            BigInteger.valueOf(30),
            true,
            List.of(new Payout(RECIPIENT, PayoutRole.CONTRIBUTOR, BigInteger.valueOf(30))),
            charged,
            charged == null ? null : VOUCHER);
    return RewardDeserializer.read(
        new RawRecord("rewards.attributed", 0, 7, 0, AttributedRewardJson.encode(reward)), 0);
  }

  @Test
  void aPaidRewardChargesItsFeeToItsConsumerUnderItsVoucher() {
    RewardRecord r = read("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", BigInteger.valueOf(45));
    assertThat(r.rejection()).isNull();
    assertThat(r.charge())
        .isEqualTo(
            new ConsumerCharge(
                "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", BigInteger.valueOf(30), VOUCHER));
    assertThat(r.credits()).hasSize(1);
  }

  @Test
  void anUnpaidRewardChargesNobody() {
    RewardRecord r = read("anyone", null);
    assertThat(r.rejection()).isNull();
    assertThat(r.charge()).isNull();
  }

  @Test
  void aPaidRewardWhoseConsumerIsNotAnAddressIsRejected() {
    RewardRecord r = read("not-an-address", BigInteger.valueOf(45));
    assertThat(r.credits()).isEmpty();
    assertThat(r.rejection().reason()).isEqualTo("invalid_consumer");
    assertThat(r.rejection().offset()).isEqualTo(7);
  }
}
