package io.payable.contracts.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.testing.NodeScript;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.web3j.utils.Numeric;

/** The Java tree against {@code @openzeppelin/merkle-tree} run by node on the same leaves. */
class StandardMerkleTreeMatchesNpmTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 12)
  void rootsAndProofsEqualTheNpmLibrarys(
      @ForAll("accounts") String distributor,
      @ForAll("leaves") @Size(min = 1, max = 40) List<RewardLeaf> leaves)
      throws Exception {
    List<List<String>> values = new ArrayList<>();
    for (RewardLeaf leaf : leaves) {
      values.add(List.of(distributor, leaf.account(), leaf.cumulative().toString()));
    }
    // The npm library is given the leaf types explicitly: (address, address, uint256).
    String input =
        JSON.writeValueAsString(
            java.util.Map.of("types", List.of("address", "address", "uint256"), "values", values));
    JsonNode npm = JSON.readTree(NodeScript.run("merkle-tree.js", input));

    StandardMerkleTree tree = StandardMerkleTree.of(distributor, leaves);
    assertThat(tree.rootHex()).isEqualTo(npm.get("root").asText());
    for (int i = 0; i < leaves.size(); i++) {
      List<String> expected = new ArrayList<>();
      npm.get("proofs").get(i).forEach(p -> expected.add(p.asText()));
      assertThat(tree.proofHex(i)).as("proof of leaf %d", i).isEqualTo(expected);
      assertThat(StandardMerkleTree.verify(tree.root(), distributor, leaves.get(i), tree.proof(i)))
          .isTrue();
    }
  }

  @Provide
  Arbitrary<String> accounts() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofSize(20)
        .map(Numeric::toHexString)
        // Mixed case must hash the same as lower case.
        .map(a -> Math.abs(a.hashCode()) % 3 == 0 ? "0x" + a.substring(2).toUpperCase() : a);
  }

  @Provide
  Arbitrary<List<RewardLeaf>> leaves() {
    Arbitrary<String> accounts = accounts();
    Arbitrary<BigInteger> amounts =
        Arbitraries.oneOf(
            Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(1_000_000)),
            Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)));
    Arbitrary<RewardLeaf> leaf = Combinators.combine(accounts, amounts).as(RewardLeaf::new);
    // Small pools of accounts, so duplicate leaves occur too.
    return leaf.list();
  }
}
