package io.payable.contracts.client;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.math.BigInteger;
import java.util.OptionalLong;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The settlement job's view of RewardDistributor: where it resumes after a restart, posting an
 * epoch's tree, and claims.
 */
public final class RewardsClient {

  private final RewardDistributor distributor;

  public RewardsClient(RewardDistributor distributor) {
    this.distributor = distributor;
  }

  /** A client that signs with {@code credentials} (the SETTLER key to post roots). */
  public static RewardsClient connect(
      ChainClient chain, Deployment deployment, Credentials credentials) {
    return new RewardsClient(
        RewardDistributor.load(
            deployment.rewardDistributor(),
            chain.web3j(),
            chain.transactionManager(credentials),
            chain.gasProvider()));
  }

  /**
   * The epoch of the latest posted root (revoked roots are removed; a disabled one still counts),
   * or empty when none: a restarted committer treats this epoch and earlier ones as committed.
   */
  public OptionalLong lastPostedEpoch() throws Exception {
    var last = distributor.lastPostedEpoch().send();
    return last.component1()
        ? OptionalLong.of(last.component2().longValueExact())
        : OptionalLong.empty();
  }

  /** Posts {@code tree} as the cumulative root of {@code epoch}; its total is the leaves' sum. */
  public PostedRoot postRoot(long epoch, StandardMerkleTree tree, byte[] manifestHash)
      throws Exception {
    BigInteger total =
        tree.leaves().stream().map(RewardLeaf::cumulative).reduce(BigInteger.ZERO, BigInteger::add);
    TransactionReceipt receipt =
        distributor.postRoot(BigInteger.valueOf(epoch), tree.root(), total, manifestHash).send();
    return new PostedRoot(
        epoch,
        tree.rootHex(),
        receipt.getTransactionHash(),
        receipt.getBlockNumber().longValueExact(),
        receipt.getGasUsed().longValueExact());
  }

  /**
   * Claims leaf {@code index} of {@code tree} for its account against the root at {@code
   * rootIndex}; returns the amount paid now.
   */
  public BigInteger claim(long rootIndex, StandardMerkleTree tree, int index) throws Exception {
    RewardLeaf leaf = tree.leaf(index);
    TransactionReceipt receipt =
        distributor
            .claim(
                BigInteger.valueOf(rootIndex), leaf.account(), leaf.cumulative(), tree.proof(index))
            .send();
    return distributor.getClaimedEvents(receipt).stream()
        .map(e -> e.amount)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  /** What {@code account} has been paid so far. */
  public BigInteger claimed(String account) throws Exception {
    return distributor.claimed(account).send();
  }

  /** OPEN ever funded: posted totals may not exceed it (it only grows). */
  public BigInteger totalFunded() throws Exception {
    return distributor.totalFunded().send();
  }

  /** Every posted root in posting order: disabled ones included, revoked ones removed. */
  public java.util.List<RewardDistributor.Distribution> distributions() throws Exception {
    int count = distributor.distributionCount().send().intValueExact();
    java.util.List<RewardDistributor.Distribution> out = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(distributor.distributionAt(BigInteger.valueOf(i)).send());
    }
    return out;
  }

  /** The index of the newest claimable root, or empty when none is active. */
  public OptionalLong activeRootIndex() throws Exception {
    var active = distributor.activeRootIndex().send();
    return active.component1()
        ? OptionalLong.of(active.component2().longValueExact())
        : OptionalLong.empty();
  }

  /** The epoch of the newest claimable root, or empty when none is active. */
  public OptionalLong activeEpoch() throws Exception {
    var active = distributor.activeRoot().send();
    return active.component1()
        ? OptionalLong.of(active.component2().longValueExact())
        : OptionalLong.empty();
  }

  /** The root claims are checked against now, 0x-hex, or empty when none is active. */
  public java.util.Optional<String> activeRoot() throws Exception {
    var active = distributor.activeRoot().send();
    return active.component1()
        ? java.util.Optional.of(Numeric.toHexString(active.component3()))
        : java.util.Optional.empty();
  }
}
