package io.payable.contracts.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.testing.NodeScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.web3j.utils.Numeric;

/**
 * Trees of bytes32 leaves (the contribution hashes anchored per shard) against {@code
 * @openzeppelin/merkle-tree} with leaf encoding {@code ["bytes32"]}.
 */
class LeafHashTreeMatchesNpmTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 8)
  void bytes32RootsAndProofsEqualTheNpmLibrarys(@ForAll("hashes") List<byte[]> values)
      throws Exception {
    List<List<String>> rows = values.stream().map(v -> List.of(Numeric.toHexString(v))).toList();
    JsonNode npm =
        JSON.readTree(
            NodeScript.run(
                "merkle-tree.js",
                JSON.writeValueAsString(Map.of("types", List.of("bytes32"), "values", rows))));

    LeafHashTree tree =
        LeafHashTree.of(values.stream().map(LeafHashTree::bytes32LeafHash).toList());
    assertThat(tree.rootHex()).isEqualTo(npm.get("root").asText());
    for (int i = 0; i < values.size(); i++) {
      List<String> expected = new ArrayList<>();
      npm.get("proofs").get(i).forEach(p -> expected.add(p.asText()));
      assertThat(tree.proof(i).stream().map(Numeric::toHexString).toList()).isEqualTo(expected);
      assertThat(
              LeafHashTree.verify(
                  tree.root(), LeafHashTree.bytes32LeafHash(values.get(i)), tree.proof(i)))
          .isTrue();
    }
  }

  @Provide
  Arbitrary<List<byte[]>> hashes() {
    return Arbitraries.bytes().array(byte[].class).ofSize(32).list().ofMinSize(1).ofMaxSize(33);
  }
}
