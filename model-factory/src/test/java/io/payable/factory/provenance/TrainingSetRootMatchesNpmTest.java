package io.payable.factory.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.contracts.testing.NodeScript;
import io.payable.factory.dataset.Contribution;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The training-set root equals {@code @openzeppelin/merkle-tree}'s over the content hashes. */
class TrainingSetRootMatchesNpmTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void rootIsOpenZeppelinsStandardMerkleTreeOfTheContentHashes() throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    for (int n : new int[] {1, 2, 7, 20}) {
      List<Contribution> contributions =
          IntStream.range(0, n)
              .mapToObj(
                  i -> {
                    byte[] hash = new byte[32];
                    random.nextBytes(hash);
                    return new Contribution(
                        "c" + i,
                        "0x" + "ab".repeat(32),
                        "0x01",
                        "0x" + HexFormat.of().formatHex(hash),
                        "t");
                  })
              .toList();
      List<List<String>> rows = contributions.stream().map(c -> List.of(c.contentHash())).toList();
      JsonNode npm =
          JSON.readTree(
              NodeScript.run(
                  "merkle-tree.js",
                  JSON.writeValueAsString(Map.of("types", List.of("bytes32"), "values", rows))));

      TrainingSetRoot root = TrainingSetRoot.of(contributions);

      assertThat(root.root()).isEqualTo(npm.get("root").asText());
      assertThat(root.count()).isEqualTo(n);
    }
  }
}
