package io.payable.contracts.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
  private final byte[][] tree;
  // Position in `tree` of each value, in input order.
  private final int[] treeIndex;

  private StandardMerkleTree(List<RewardLeaf> values, byte[][] tree, int[] treeIndex) {
    this.values = values;
    this.tree = tree;
    this.treeIndex = treeIndex;
  }

  /** Builds the tree; the input order is kept for {@link #proof(int)} and {@link #leaf(int)}. */
  public static StandardMerkleTree of(List<RewardLeaf> leaves) {
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
    }
    List<RewardLeaf> values = List.copyOf(leaves);
    int n = values.size();
    byte[][] hashes = new byte[n][];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      hashes[i] = leafHash(values.get(i));
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(hashes[a], hashes[b]));

    byte[][] tree = new byte[2 * n - 1][];
    int[] treeIndex = new int[n];
    for (int i = 0; i < n; i++) {
      int position = tree.length - 1 - i;
      tree[position] = hashes[order[i]];
      treeIndex[order[i]] = position;
    }
    for (int i = tree.length - 1 - n; i >= 0; i--) {
      tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);
    }
    return new StandardMerkleTree(values, tree, treeIndex);
  }

  /** keccak256(bytes.concat(keccak256(abi.encode(account, cumulative)))). */
  public static byte[] leafHash(RewardLeaf leaf) {
    return Hash.sha3(Hash.sha3(leaf.abiEncode()));
  }

  /** The hash of a pair, smaller operand first (OpenZeppelin's commutative hashing). */
  static byte[] hashPair(byte[] a, byte[] b) {
    byte[] buffer = new byte[64];
    boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
    System.arraycopy(aFirst ? a : b, 0, buffer, 0, 32);
    System.arraycopy(aFirst ? b : a, 0, buffer, 32, 32);
    return Hash.sha3(buffer);
  }

  /** Whether {@code proof} leads from {@code leaf} to {@code root}, as MerkleProof.verify. */
  public static boolean verify(byte[] root, RewardLeaf leaf, List<byte[]> proof) {
    byte[] computed = leafHash(leaf);
    for (byte[] sibling : proof) {
      computed = hashPair(computed, sibling);
    }
    return Arrays.equals(computed, root);
  }

  public byte[] root() {
    return tree[0].clone();
  }

  public String rootHex() {
    return Numeric.toHexString(tree[0]);
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
    List<byte[]> proof = new ArrayList<>();
    for (int i = treeIndex[index]; i > 0; i = (i - 1) / 2) {
      int sibling = (i % 2 == 1) ? i + 1 : i - 1;
      proof.add(tree[sibling].clone());
    }
    return Collections.unmodifiableList(proof);
  }

  public List<String> proofHex(int index) {
    return proof(index).stream().map(Numeric::toHexString).toList();
  }
}
