package io.payable.contracts.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.utils.Numeric;

class StandardMerkleTreeTest {

  private static final String A = "0x1111111111111111111111111111111111111111";
  private static final String B = "0x2222222222222222222222222222222222222222";
  private static final String D = "0xd15700000000000000000000000000000000d157";

  @Test
  void aSingleLeafIsItsOwnRootWithAnEmptyProof() {
    RewardLeaf leaf = new RewardLeaf(A, BigInteger.valueOf(5_000_000_000_000_000_000L));
    StandardMerkleTree tree = StandardMerkleTree.of(D, List.of(leaf));
    assertThat(tree.root()).isEqualTo(StandardMerkleTree.leafHash(D, leaf));
    assertThat(tree.proof(0)).isEmpty();
  }

  @Test
  void leafOrderDoesNotChangeTheRoot() {
    List<RewardLeaf> leaves = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      leaves.add(new RewardLeaf(String.format("0x%040x", i), BigInteger.valueOf(i * 7L)));
    }
    String root = StandardMerkleTree.of(D, leaves).rootHex();
    java.util.Collections.reverse(leaves);
    assertThat(StandardMerkleTree.of(D, leaves).rootHex()).isEqualTo(root);
  }

  @Test
  void aProofDoesNotVerifyAnotherAmount() {
    StandardMerkleTree tree =
        StandardMerkleTree.of(
            D, List.of(new RewardLeaf(A, BigInteger.ONE), new RewardLeaf(B, BigInteger.TWO)));
    assertThat(
            StandardMerkleTree.verify(
                tree.root(), D, new RewardLeaf(A, BigInteger.TWO), tree.proof(0)))
        .isFalse();
    assertThat(StandardMerkleTree.verify(tree.root(), D, tree.leaf(1), tree.proof(1))).isTrue();
  }

  @Test
  void aProofDoesNotVerifyAtAnotherDistributor() {
    List<RewardLeaf> leaves =
        List.of(new RewardLeaf(A, BigInteger.ONE), new RewardLeaf(B, BigInteger.TWO));
    StandardMerkleTree tree = StandardMerkleTree.of(D, leaves);
    StandardMerkleTree elsewhere = StandardMerkleTree.of(A, leaves);
    assertThat(elsewhere.rootHex()).isNotEqualTo(tree.rootHex());
    assertThat(StandardMerkleTree.verify(tree.root(), A, tree.leaf(0), tree.proof(0))).isFalse();
    assertThat(StandardMerkleTree.verify(tree.root(), D, tree.leaf(0), tree.proof(0))).isTrue();
  }

  @Test
  void leavesAreValidated() {
    assertThatThrownBy(() -> StandardMerkleTree.of(D, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> StandardMerkleTree.of("0x1234", List.of(new RewardLeaf(A, BigInteger.ONE))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RewardLeaf("0x1234", BigInteger.ONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RewardLeaf(A, BigInteger.ONE.negate()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RewardLeaf(A, BigInteger.ONE.shiftLeft(256)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsJsonLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("leaves.jsonl");
    Files.writeString(
        file,
        "{\"account\":\""
            + A
            + "\",\"cumulative\":\"123\"}\n\n{\"account\":\""
            + B
            + "\",\"cumulative\":456}\n");
    List<RewardLeaf> leaves = LeavesFile.read(file);
    assertThat(leaves)
        .containsExactly(
            new RewardLeaf(A, BigInteger.valueOf(123)), new RewardLeaf(B, BigInteger.valueOf(456)));
    Files.writeString(file, "{\"account\":\"" + A + "\"}\n");
    assertThatThrownBy(() -> LeavesFile.read(file)).hasMessageContaining("leaves.jsonl:1");
  }

  @Test
  void leafHashIsTheDoubleKeccakOfTheAbiEncoding() {
    // keccak256(bytes.concat(keccak256(abi.encode(D, A, 1)))) computed independently of the tree.
    byte[] encoded =
        Numeric.hexStringToByteArray(
            "0x000000000000000000000000d15700000000000000000000000000000000d157"
                + "0000000000000000000000001111111111111111111111111111111111111111"
                + "0000000000000000000000000000000000000000000000000000000000000001");
    byte[] expected = org.web3j.crypto.Hash.sha3(org.web3j.crypto.Hash.sha3(encoded));
    assertThat(StandardMerkleTree.leafHash(D, new RewardLeaf(A, BigInteger.ONE)))
        .isEqualTo(expected);
  }
}
