package io.payable.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

class EpochTreeBuilderTest {

  private static final long HOUR = 3_600_000;
  private static final String A = "0x00000000000000000000000000000000000000aa";
  private static final String B = "0x00000000000000000000000000000000000000bb";
  private static final String DISTRIBUTOR = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  private static final String ESCROW = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
  private static final long CHAIN = 31337;
  private static final Credentials ALICE =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  private static final Credentials BOB =
      Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804258ee5cb");

  private static KeyedOneInputStreamOperatorTestHarness<Integer, RewardRecord, EpochRoot> harness()
      throws Exception {
    return harness(new EpochTreeBuilder(new SettlementSchedule(HOUR, 0), DISTRIBUTOR), null);
  }

  private static KeyedOneInputStreamOperatorTestHarness<Integer, RewardRecord, EpochRoot> harness(
      EpochTreeBuilder builder, OperatorSubtaskState restored) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(builder), c -> 0, Types.INT);
    if (restored != null) {
      h.initializeState(restored);
    }
    h.open();
    return h;
  }

  private static RewardRecord credit(String account, long epoch, long amount) {
    return RewardRecord.of(
        List.of(
            new AccountCredit(account, epoch, BigInteger.valueOf(amount), epoch * HOUR + 1, "ev")),
        null,
        epoch * HOUR + 1);
  }

  /** A paid reward of {@code fee} crediting A, under a voucher for {@code voucher} signed by. */
  private static RewardRecord paid(Credentials consumer, long epoch, long fee, long voucher) {
    Voucher v = new Voucher(consumer.getAddress(), BigInteger.valueOf(voucher), 4_000_000_000L);
    String signature = VoucherSignatures.sign(VoucherSignatures.domain(CHAIN, ESCROW), v, consumer);
    return paid(consumer.getAddress(), epoch, fee, voucher, signature);
  }

  private static RewardRecord paid(
      String consumer, long epoch, long fee, long voucher, String signature) {
    return RewardRecord.of(
        List.of(new AccountCredit(A, epoch, BigInteger.valueOf(fee), epoch * HOUR + 1, "ev")),
        new ConsumerCharge(
            consumer,
            BigInteger.valueOf(fee),
            new InferenceEvent.PaymentVoucher(
                BigInteger.valueOf(voucher), 4_000_000_000L, signature)),
        epoch * HOUR + 1);
  }

  private static EpochTreeBuilder paying() {
    return new EpochTreeBuilder(new SettlementSchedule(HOUR, 0), DISTRIBUTOR, ESCROW, CHAIN);
  }

  private static String alice() {
    return ALICE.getAddress().toLowerCase(java.util.Locale.ROOT);
  }

  private static String bob() {
    return BOB.getAddress().toLowerCase(java.util.Locale.ROOT);
  }

  @Test
  void eachRootCarriesItsConsumersCumulativeChargesAcrossARestore() throws Exception {
    OperatorSubtaskState snapshot;
    List<EpochRoot> first;
    try (var h = harness(paying(), null)) {
      h.processElement(paid(ALICE, 1, 5, 5), 1 * HOUR + 1);
      h.processElement(paid(ALICE, 1, 7, 20), 1 * HOUR + 2);
      h.processElement(paid(BOB, 1, 3, 3), 1 * HOUR + 3);
      h.processWatermark(2 * HOUR);
      // Epoch 1 is closed: Alice's late event is charged in epoch 2, with the epoch-2 credits.
      h.processElement(paid(ALICE, 1, 4, 16), 1 * HOUR + 4);
      first = h.extractOutputValues();
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness(paying(), snapshot)) {
      h.processElement(paid(BOB, 2, 2, 9), 2 * HOUR + 1);
      h.processWatermark(3 * HOUR);
      List<EpochRoot> roots = new java.util.ArrayList<>(first);
      roots.addAll(h.extractOutputValues());
      assertThat(roots).extracting(EpochRoot::epoch).containsExactly(1L, 2L);

      assertThat(roots.get(0).consumerCharges())
          .extracting(
              EpochConsumerCharge::consumer,
              c -> c.epochChargedWei().longValueExact(),
              c -> c.chargedWei().longValueExact(),
              c -> c.voucherAmountWei().longValueExact(),
              EpochConsumerCharge::covered)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(alice(), 12L, 12L, 20L, true),
              org.assertj.core.groups.Tuple.tuple(bob(), 3L, 3L, 3L, true));
      // Cumulative: Alice 12 + 4 under her highest voucher (20, not the late event's 16).
      assertThat(roots.get(1).consumerCharges())
          .extracting(
              EpochConsumerCharge::consumer,
              c -> c.epochChargedWei().longValueExact(),
              c -> c.chargedWei().longValueExact(),
              c -> c.voucherAmountWei().longValueExact(),
              EpochConsumerCharge::covered)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(alice(), 4L, 16L, 20L, true),
              org.assertj.core.groups.Tuple.tuple(bob(), 2L, 5L, 9L, true));
      // The redemption verifies as the escrow would check it.
      EpochConsumerCharge bobs =
          roots.get(1).consumerCharges().stream()
              .filter(c -> c.consumer().equals(bob()))
              .findFirst()
              .orElseThrow();
      var r = bobs.redemption();
      assertThat(r.charged()).isEqualTo(BigInteger.valueOf(5));
      assertThat(
              VoucherSignatures.isValid(
                  VoucherSignatures.domain(CHAIN, ESCROW),
                  r.voucher().voucher(),
                  r.voucher().signature()))
          .isTrue();
      // Fees charged = credits of the roots.
      BigInteger charged =
          roots.stream()
              .flatMap(x -> x.consumerCharges().stream())
              .map(EpochConsumerCharge::epochChargedWei)
              .reduce(BigInteger.ZERO, BigInteger::add);
      assertThat(charged).isEqualTo(roots.get(1).totalCumulativeWei());
    }
  }

  @Test
  void aForgedVoucherIsNotUsedAndItsConsumerIsUncovered() throws Exception {
    Voucher v = new Voucher(BOB.getAddress(), BigInteger.valueOf(100), 4_000_000_000L);
    // Signed by Alice for Bob's account.
    String forged = VoucherSignatures.sign(VoucherSignatures.domain(CHAIN, ESCROW), v, ALICE);
    try (var h = harness(paying(), null)) {
      h.processElement(paid(BOB.getAddress(), 1, 10, 100, forged), 1 * HOUR + 1);
      h.processElement(paid(ALICE, 1, 10, 10), 1 * HOUR + 2);
      h.processWatermark(2 * HOUR);
      EpochRoot root = h.extractOutputValues().get(0);
      assertThat(root.consumerCharges())
          .extracting(EpochConsumerCharge::consumer, EpochConsumerCharge::covered)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(bob(), false),
              org.assertj.core.groups.Tuple.tuple(alice(), true));
    }
  }

  @Test
  void withoutAnEscrowNoChargesAreCollected() throws Exception {
    try (var h = harness()) {
      h.processElement(paid(ALICE, 1, 5, 5), 1 * HOUR + 1);
      h.processWatermark(2 * HOUR);
      assertThat(h.extractOutputValues().get(0).consumerCharges()).isEmpty();
    }
  }

  @Test
  void epochsCloseOnTheWatermarkWithCumulativeLeavesAndLateCreditsMoveForward() throws Exception {
    try (var h = harness()) {
      h.processElement(credit(A, 1, 5), 1 * HOUR + 1);
      h.processElement(credit(B, 1, 7), 1 * HOUR + 2);
      h.processElement(credit(A, 2, 1), 2 * HOUR + 1);
      h.processWatermark(2 * HOUR);
      // Epoch 1 is closed: a late credit of epoch 1 goes to epoch 2.
      h.processElement(credit(B, 1, 3), 1 * HOUR + 3);
      h.processWatermark(3 * HOUR);

      List<EpochRoot> roots = h.extractOutputValues();
      assertThat(roots).extracting(EpochRoot::epoch).containsExactly(1L, 2L);
      assertThat(roots.get(0).root())
          .isEqualTo(
              tree(
                  new RewardLeaf(A, BigInteger.valueOf(5)),
                  new RewardLeaf(B, BigInteger.valueOf(7))));
      assertThat(roots.get(1).root())
          .isEqualTo(
              tree(
                  new RewardLeaf(A, BigInteger.valueOf(6)),
                  new RewardLeaf(B, BigInteger.valueOf(10))));
      assertThat(roots.get(1).totalCumulativeWei()).isEqualTo(BigInteger.valueOf(16));
      assertThat(roots.get(1).epochTotalWei()).isEqualTo(BigInteger.valueOf(4));
      assertThat(roots.get(1).lateCredits()).isEqualTo(1);

      var rows = h.getSideOutput(EpochTreeBuilder.ROWS).stream().map(r -> r.getValue()).toList();
      assertThat(rows).hasSize(4);
      for (EpochRewardRow row : rows) {
        assertThat(
                StandardMerkleTree.verify(
                    org.web3j.utils.Numeric.hexStringToByteArray(row.root()),
                    DISTRIBUTOR,
                    new RewardLeaf(row.account(), row.cumulativeWei()),
                    row.proof().stream()
                        .map(org.web3j.utils.Numeric::hexStringToByteArray)
                        .toList()))
            .isTrue();
      }
      EpochRewardRow lateRow =
          rows.stream()
              .filter(r -> r.epoch() == 2 && r.account().equals(B))
              .findFirst()
              .orElseThrow();
      assertThat(lateRow.epochAmountWei()).isEqualTo(BigInteger.valueOf(3));
      assertThat(lateRow.lateCredits()).isEqualTo(1);
    }
  }

  private static String tree(RewardLeaf... leaves) {
    return StandardMerkleTree.of(DISTRIBUTOR, List.of(leaves)).rootHex();
  }
}
