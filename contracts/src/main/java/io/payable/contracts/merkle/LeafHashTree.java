package io.payable.contracts.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The tree layout of OpenZeppelin's StandardMerkleTree over leaf hashes that are already computed:
 * leaves sorted, stored from the end of a {@code 2n - 1} node array, parents hashed commutatively.
 * Any leaf encoding (reward leaves, contribution hashes) builds on it, so roots and proofs match
 * {@code @openzeppelin/merkle-tree} and {@code MerkleProof.verify} whatever the leaf type.
 */
public final class LeafHashTree {

  private final byte[][] tree;
  // Position in `tree` of each leaf, in input order.
  private final int[] treeIndex;

  private LeafHashTree(byte[][] tree, int[] treeIndex) {
    this.tree = tree;
    this.treeIndex = treeIndex;
  }

  /** Builds the tree over 32-byte leaf hashes, keeping their input order for {@link #proof}. */
  public static LeafHashTree of(List<byte[]> leafHashes) {
    int n = leafHashes.size();
    if (n == 0) {
      throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
    }
    byte[][] hashes = leafHashes.toArray(byte[][]::new);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(hashes[a], hashes[b]));
    byte[][] tree = new byte[2 * n - 1][];
    int[] treeIndex = new int[n];
    for (int i = 0; i < n; i++) {
      int position = tree.length - 1 - i;
      tree[position] = hashes[order[i]].clone();
      treeIndex[order[i]] = position;
    }
    for (int i = tree.length - 1 - n; i >= 0; i--) {
      tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);
    }
    return new LeafHashTree(tree, treeIndex);
  }

  /** The hash of a pair, smaller operand first (OpenZeppelin's commutative hashing). */
  public static byte[] hashPair(byte[] a, byte[] b) {
    byte[] buffer = new byte[64];
    boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
    System.arraycopy(aFirst ? a : b, 0, buffer, 0, 32);
    System.arraycopy(aFirst ? b : a, 0, buffer, 32, 32);
    return Hash.sha3(buffer);
  }

  /** Whether {@code proof} leads from {@code leafHash} to {@code root}, as MerkleProof.verify. */
  public static boolean verify(byte[] root, byte[] leafHash, List<byte[]> proof) {
    byte[] computed = leafHash;
    for (byte[] sibling : proof) {
      computed = hashPair(computed, sibling);
    }
    return Arrays.equals(computed, root);
  }

  /** keccak256(bytes.concat(keccak256(abi.encode(value)))) of a bytes32 value. */
  public static byte[] bytes32LeafHash(byte[] value) {
    if (value.length != 32) {
      throw new IllegalArgumentException("a bytes32 leaf has 32 bytes, not " + value.length);
    }
    return Hash.sha3(Hash.sha3(value));
  }

  public int size() {
    return treeIndex.length;
  }

  public byte[] root() {
    return tree[0].clone();
  }

  public String rootHex() {
    return Numeric.toHexString(tree[0]);
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
}
