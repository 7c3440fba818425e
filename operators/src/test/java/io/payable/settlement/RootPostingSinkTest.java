package io.payable.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.merkle.RewardLeaf;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class RootPostingSinkTest {

  @Test
  void committablesSurviveTheirSerializer() throws Exception {
    EpochRoot root =
        new EpochRoot(
            491_000,
            "0x" + "ab".repeat(32),
            BigInteger.TEN.pow(30).add(BigInteger.ONE),
            BigInteger.valueOf(12_345),
            10_000,
            17,
            2,
            "0x" + "cd".repeat(32));
    var serializer = new RootPostingSink.Serializer();
    assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(root)))
        .isEqualTo(root);
  }

  @Test
  void postRootCallDataIsTheAbiEncodingOfTheFourArguments() {
    EpochRoot root =
        new EpochRoot(
            7,
            "0x" + "11".repeat(32),
            BigInteger.valueOf(255),
            BigInteger.ONE,
            1,
            1,
            0,
            "0x" + "22".repeat(32));
    String data = RootPoster.callData(root);
    // selector + 4 words
    assertThat(data).hasSize(2 + 8 + 4 * 64);
    assertThat(data.substring(10, 74)).isEqualTo("0".repeat(63) + "7");
    assertThat(data.substring(74, 138)).isEqualTo("11".repeat(32));
    assertThat(data.substring(138, 202)).isEqualTo("0".repeat(62) + "ff");
    assertThat(data.substring(202)).isEqualTo("22".repeat(32));
  }

  @Test
  void theManifestHashCoversEpochAndLeavesInAccountOrder() {
    var a = new RewardLeaf("0x00000000000000000000000000000000000000Aa", BigInteger.TEN);
    var b = new RewardLeaf("0x00000000000000000000000000000000000000bb", BigInteger.ONE);
    assertThat(EpochManifest.text(3, List.of(b, a)))
        .isEqualTo(
            "payable-epoch-manifest/1\nepoch 3\n"
                + "0x00000000000000000000000000000000000000aa 10\n"
                + "0x00000000000000000000000000000000000000bb 1\n");
    assertThat(EpochManifest.hash(3, List.of(a, b)))
        .isEqualTo(EpochManifest.hash(3, List.of(b, a)));
    assertThat(EpochManifest.hash(3, List.of(a, b)))
        .isNotEqualTo(EpochManifest.hash(4, List.of(a, b)));
  }
}
