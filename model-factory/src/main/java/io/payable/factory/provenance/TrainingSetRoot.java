package io.payable.factory.provenance;

import io.payable.contracts.merkle.LeafHashTree;
import io.payable.factory.dataset.Contribution;
import java.util.List;
import org.web3j.utils.Numeric;

/**
 * The Merkle root of a run's training set: OpenZeppelin's StandardMerkleTree over the {@code
 * bytes32} content hashes of the contributions trained on (leaf = keccak256(keccak256(hash))), the
 * same tree the ingest job anchors for index shards, so {@code @openzeppelin/merkle-tree} and
 * {@code MerkleProof} prove a contribution's membership.
 *
 * @param root 0x-hex root
 * @param count leaves of the tree
 */
public record TrainingSetRoot(String root, int count) {

  public static TrainingSetRoot of(List<Contribution> trained) {
    if (trained.isEmpty()) {
      throw new IllegalArgumentException("a training set has at least one contribution");
    }
    LeafHashTree tree =
        LeafHashTree.of(
            trained.stream()
                .map(
                    c ->
                        LeafHashTree.bytes32LeafHash(Numeric.hexStringToByteArray(c.contentHash())))
                .toList());
    return new TrainingSetRoot(tree.rootHex(), trained.size());
  }
}
