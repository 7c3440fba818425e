package io.payable.contracts.merkle;

import java.util.List;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * OpenZeppelin's StandardMerkleTree for {@code (address distributor, address account, uint256
 * cumulative)} leaves, bit for bit: leaf = keccak256(keccak256(abi.encode(distributor, account,
 * amount))), leaves sorted by hash, pairs hashed in sorted order, the tree laid out as a complete
 * binary tree in an array (root at 0, leaves at the end in reverse sorted order). Roots and proofs
 * equal those of {@code @openzeppelin/merkle-tree} and verify with OpenZeppelin's {@code
 * MerkleProof}.
 *
 * <p>Every leaf names the RewardDistributor it pays at (a domain, as EIP-712 signatures name their
 * verifying contract): the same accounts and amounts give another root at another distributor, so a
 * redeployment that is posted the same tree cannot pay it a second time.
 */
public final class StandardMerkleTree {

  private final String distributor;
  private final List<RewardLeaf> values;
  private final LeafHashTree tree;

  private StandardMerkleTree(String distributor, List<RewardLeaf> values, LeafHashTree tree) {
    this.distributor = distributor;
    this.values = values;
    this.tree = tree;
  }

  /**
   * Builds the tree of leaves payable at {@code distributor}; the input order is kept for {@link
   * #proof(int)} and {@link #leaf(int)}.
   */
  public static StandardMerkleTree of(String distributor, List<RewardLeaf> leaves) {
    RewardLeaf.checkedAddress(distributor, "distributor");
    List<RewardLeaf> values = List.copyOf(leaves);
    return new StandardMerkleTree(
        distributor,
        values,
        LeafHashTree.of(values.stream().map(leaf -> leafHash(distributor, leaf)).toList()));
  }

  /** keccak256(bytes.concat(keccak256(abi.encode(distributor, account, cumulative)))). */
  public static byte[] leafHash(String distributor, RewardLeaf leaf) {
    return Hash.sha3(Hash.sha3(leaf.abiEncode(distributor)));
  }

  /**
   * Whether {@code proof} leads from {@code leaf} at {@code distributor} to {@code root}, as
   * MerkleProof.verify.
   */
  public static boolean verify(
      byte[] root, String distributor, RewardLeaf leaf, List<byte[]> proof) {
    return LeafHashTree.verify(root, leafHash(distributor, leaf), proof);
  }

  /** The distributor every leaf is bound to. */
  public String distributor() {
    return distributor;
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
