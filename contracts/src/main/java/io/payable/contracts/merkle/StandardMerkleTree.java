package io.payable.contracts.merkle;

import java.util.List;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * OpenZeppelin's StandardMerkleTree for {@code (address, uint256)} leaves, bit for bit: leaf =
 * keccak256(keccak256(abi.encode(account, amount))), leaves sorted by hash, pairs hashed in sorted
 * order, the tree laid out as a complete binary tree in an array (root at 0, leaves at the end in
 * reverse sorted order). Roots and proofs equal those of {@code @openzeppelin/merkle-tree} and
 * verify with OpenZeppelin's {@code MerkleProof}.
 */
public final class StandardMerkleTree {

  private final List<RewardLeaf> values;
  private final LeafHashTree tree;

  private StandardMerkleTree(List<RewardLeaf> values, LeafHashTree tree) {
    this.values = values;
    this.tree = tree;
  }

  /** Builds the tree; the input order is kept for {@link #proof(int)} and {@link #leaf(int)}. */
  public static StandardMerkleTree of(List<RewardLeaf> leaves) {
    List<RewardLeaf> values = List.copyOf(leaves);
    return new StandardMerkleTree(
        values, LeafHashTree.of(values.stream().map(StandardMerkleTree::leafHash).toList()));
  }

  /** keccak256(bytes.concat(keccak256(abi.encode(account, cumulative)))). */
  public static byte[] leafHash(RewardLeaf leaf) {
    return Hash.sha3(Hash.sha3(leaf.abiEncode()));
  }

  /** Whether {@code proof} leads from {@code leaf} to {@code root}, as MerkleProof.verify. */
  public static boolean verify(byte[] root, RewardLeaf leaf, List<byte[]> proof) {
    return LeafHashTree.verify(root, leafHash(leaf), proof);
  }

  public byte[] root() {
    return tree.root();
  }

  public String rootHex() {
    return tree.rootHex();
  }

  public int size() {
    return values.size();
  }

  /** The leaf at {@code index} in input order. */
  public RewardLeaf leaf(int index) {
    return values.get(index);
  }

  public List<RewardLeaf> leaves() {
    return values;
  }

  /** The proof of the leaf at {@code index} in input order, bottom sibling first. */
  public List<byte[]> proof(int index) {
    return tree.proof(index);
  }

  public List<String> proofHex(int index) {
    return proof(index).stream().map(Numeric::toHexString).toList();
  }
}
