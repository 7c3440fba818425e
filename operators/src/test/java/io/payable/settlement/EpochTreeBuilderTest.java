package io.payable.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.math.BigInteger;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class EpochTreeBuilderTest {

  private static final long HOUR = 3_600_000;
  private static final String A = "0x00000000000000000000000000000000000000aa";
  private static final String B = "0x00000000000000000000000000000000000000bb";
  private static final String DISTRIBUTOR = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  private static KeyedOneInputStreamOperatorTestHarness<Integer, AccountCredit, EpochRoot> harness()
      throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new EpochTreeBuilder(new SettlementSchedule(HOUR, 0), DISTRIBUTOR)),
            c -> 0,
            Types.INT);
    h.open();
    return h;
  }

  private static AccountCredit credit(String account, long epoch, long amount) {
    return new AccountCredit(account, epoch, BigInteger.valueOf(amount), epoch * HOUR + 1, "ev");
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
