package io.payable.contracts.rewards;

import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.PayableFixture.GUARDIAN;
import static io.payable.contracts.testing.PayableFixture.SETTLER;
import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple2;

/** Posting cumulative roots, activation, veto and claims of RewardDistributor on anvil. */
class RewardDistributorITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final long DELAY = 3_600;
  private static final BigInteger FUNDED = BigInteger.valueOf(1_000_000);
  private static final byte[] MANIFEST = new byte[32];
  private static final int ALICE = 4;
  private static final int BOB = 5;
  private static final int CAROL = 6;
  private static final int STRANGER = 7;

  private static PayableFixture fx;
  private String snapshot;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    BigInteger supply = fx.token(DEPLOYER).totalSupply().send();
    fx.token(DEPLOYER).approve(fx.deployment().rewardDistributor(), supply).send();
  }

  @BeforeEach
  void takeSnapshot() {
    snapshot = ANVIL.chain().snapshot();
  }

  @AfterEach
  void revertSnapshot() {
    ANVIL.chain().revertTo(snapshot);
  }

  private StandardMerkleTree tree(long alice, long bob, long carol) {
    return StandardMerkleTree.of(
        List.of(
            new RewardLeaf(fx.address(ALICE), BigInteger.valueOf(alice)),
            new RewardLeaf(fx.address(BOB), BigInteger.valueOf(bob)),
            new RewardLeaf(fx.address(CAROL), BigInteger.valueOf(carol))));
  }

  private static BigInteger total(StandardMerkleTree tree) {
    return tree.leaves().stream()
        .map(RewardLeaf::cumulative)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  private static TransactionReceipt post(long epoch, StandardMerkleTree tree) throws Exception {
    return fx.distributor(SETTLER)
        .postRoot(BigInteger.valueOf(epoch), tree.root(), total(tree), MANIFEST)
        .send();
  }

  private static TransactionReceipt claim(int submitter, StandardMerkleTree tree, int index)
      throws Exception {
    RewardLeaf leaf = tree.leaf(index);
    return fx.distributor(submitter)
        .claim(leaf.account(), leaf.cumulative(), tree.proof(index))
        .send();
  }

  private static BigInteger balance(int account) throws Exception {
    return fx.token(DEPLOYER).balanceOf(fx.address(account)).send();
  }

  @Test
  void cumulativeClaimsPayEachWeiOnceAfterActivation() throws Exception {
    RewardDistributor d = fx.distributor(DEPLOYER);
    d.fund(FUNDED).send();
    assertThat(d.totalFunded().send()).isEqualTo(FUNDED);

    StandardMerkleTree epoch1 = tree(100, 200, 300);
    assertThat(post(1, epoch1).isStatusOK()).isTrue();
    assertThat(d.lastPostedEpoch().send()).isEqualTo(new Tuple2<>(true, BigInteger.ONE));

    // Inside the veto window nothing is claimable yet.
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        d,
        d.claim(fx.address(ALICE), BigInteger.valueOf(100), epoch1.proof(0)),
        "NoActiveRoot()");

    ANVIL.chain().advance(DELAY);
    // Anyone may submit; the OPEN goes to the account.
    claim(STRANGER, epoch1, 0);
    assertThat(balance(ALICE)).isEqualTo(BigInteger.valueOf(100));
    assertThat(balance(STRANGER)).isZero();

    // The same claim again pays nothing more.
    claim(STRANGER, epoch1, 0);
    assertThat(balance(ALICE)).isEqualTo(BigInteger.valueOf(100));
    assertThat(d.claimed(fx.address(ALICE)).send()).isEqualTo(BigInteger.valueOf(100));

    StandardMerkleTree epoch2 = tree(150, 200, 900);
    post(2, epoch2);
    // Until epoch 2 activates, claims are checked against epoch 1.
    claim(BOB, epoch1, 1);
    assertThat(balance(BOB)).isEqualTo(BigInteger.valueOf(200));
    assertRevertsWith(
        fx.web3j(),
        fx.address(CAROL),
        d,
        d.claim(fx.address(CAROL), BigInteger.valueOf(900), epoch2.proof(2)),
        "InvalidProof(address,uint256)");

    ANVIL.chain().advance(DELAY);
    claim(ALICE, epoch2, 0);
    claim(CAROL, epoch2, 2);
    claim(BOB, epoch2, 1);
    assertThat(balance(ALICE)).isEqualTo(BigInteger.valueOf(150));
    assertThat(balance(BOB)).isEqualTo(BigInteger.valueOf(200));
    // Carol never claimed epoch 1: one claim pays everything owed so far.
    assertThat(balance(CAROL)).isEqualTo(BigInteger.valueOf(900));
    assertThat(fx.token(DEPLOYER).balanceOf(fx.deployment().rewardDistributor()).send())
        .isEqualTo(FUNDED.subtract(BigInteger.valueOf(1_250)));
    assertThat(d.activeRoot().send().component2()).isEqualTo(BigInteger.TWO);
  }

  @Test
  void onlyTheSettlerPostsRoots() throws Exception {
    RewardDistributor d = fx.distributor(STRANGER);
    fx.distributor(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree t = tree(1, 2, 3);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        d,
        d.postRoot(BigInteger.ONE, t.root(), total(t), MANIFEST),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    // The real transaction fails too.
    assertThatThrownBy(() -> d.postRoot(BigInteger.ONE, t.root(), total(t), MANIFEST).send())
        .hasMessageContaining("revert");
  }

  @Test
  void epochsMustStrictlyIncrease() throws Exception {
    RewardDistributor d = fx.distributor(SETTLER);
    fx.distributor(DEPLOYER).fund(FUNDED).send();
    post(5, tree(1, 2, 3));
    StandardMerkleTree next = tree(2, 2, 3);
    for (long epoch : new long[] {5, 4}) {
      assertRevertsWith(
          fx.web3j(),
          fx.address(SETTLER),
          d,
          d.postRoot(BigInteger.valueOf(epoch), next.root(), total(next), MANIFEST),
          "EpochNotIncreasing(uint64,uint64)");
    }
    post(6, next);
    assertThat(d.lastPostedEpoch().send().component2()).isEqualTo(BigInteger.valueOf(6));
  }

  @Test
  void totalsNeverDecreaseNorExceedFunding() throws Exception {
    RewardDistributor d = fx.distributor(SETTLER);
    fx.distributor(DEPLOYER).fund(BigInteger.valueOf(1_000)).send();
    post(1, tree(100, 200, 300));
    StandardMerkleTree lower = tree(100, 200, 299);
    assertRevertsWith(
        fx.web3j(),
        fx.address(SETTLER),
        d,
        d.postRoot(BigInteger.TWO, lower.root(), total(lower), MANIFEST),
        "TotalDecreasing(uint256,uint256)");
    StandardMerkleTree over = tree(100, 200, 701);
    assertRevertsWith(
        fx.web3j(),
        fx.address(SETTLER),
        d,
        d.postRoot(BigInteger.TWO, over.root(), total(over), MANIFEST),
        "TotalAboveFunded(uint256,uint256)");
    fx.distributor(DEPLOYER).fund(BigInteger.ONE).send();
    assertThat(post(2, over).isStatusOK()).isTrue();
  }

  @Test
  void badProofsAndWrongAmountsAreRejected() throws Exception {
    RewardDistributor d = fx.distributor(ALICE);
    fx.distributor(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree t = tree(100, 200, 300);
    post(1, t);
    ANVIL.chain().advance(DELAY);
    // Alice's proof with more than she is owed.
    assertRevertsWith(
        fx.web3j(),
        fx.address(ALICE),
        d,
        d.claim(fx.address(ALICE), BigInteger.valueOf(101), t.proof(0)),
        "InvalidProof(address,uint256)");
    // Bob's leaf claimed for Alice.
    assertRevertsWith(
        fx.web3j(),
        fx.address(ALICE),
        d,
        d.claim(fx.address(ALICE), BigInteger.valueOf(200), t.proof(1)),
        "InvalidProof(address,uint256)");
    // An empty proof.
    assertRevertsWith(
        fx.web3j(),
        fx.address(ALICE),
        d,
        d.claim(fx.address(ALICE), BigInteger.valueOf(100), List.of()),
        "InvalidProof(address,uint256)");
    assertThat(balance(ALICE)).isZero();
  }

  @Test
  void theGuardianRevokesAPendingRootButNotAnActiveOne() throws Exception {
    fx.distributor(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree epoch1 = tree(100, 200, 300);
    post(1, epoch1);
    ANVIL.chain().advance(DELAY);
    RewardDistributor guardian = fx.distributor(GUARDIAN);
    assertRevertsWith(
        fx.web3j(),
        fx.address(GUARDIAN),
        guardian,
        guardian.revokeRoot(BigInteger.ONE),
        "RootAlreadyActive(uint64)");

    StandardMerkleTree inflated = tree(100, 200, 300_000);
    post(2, inflated);
    RewardDistributor stranger = fx.distributor(STRANGER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.revokeRoot(BigInteger.TWO),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    guardian.revokeRoot(BigInteger.TWO).send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(GUARDIAN),
        guardian,
        guardian.revokeRoot(BigInteger.TWO),
        "UnknownEpoch(uint64)");
    // A revoked root is as if never posted: the committer sees epoch 1 again.
    assertThat(guardian.lastPostedEpoch().send().component2()).isEqualTo(BigInteger.ONE);

    ANVIL.chain().advance(DELAY);
    RewardDistributor carol = fx.distributor(CAROL);
    assertRevertsWith(
        fx.web3j(),
        fx.address(CAROL),
        carol,
        carol.claim(fx.address(CAROL), BigInteger.valueOf(300_000), inflated.proof(2)),
        "InvalidProof(address,uint256)");
    claim(CAROL, epoch1, 2);
    assertThat(balance(CAROL)).isEqualTo(BigInteger.valueOf(300));

    // The corrected root may reuse the revoked epoch.
    StandardMerkleTree corrected = tree(100, 200, 400);
    post(2, corrected);
    ANVIL.chain().advance(DELAY);
    claim(CAROL, corrected, 2);
    assertThat(balance(CAROL)).isEqualTo(BigInteger.valueOf(400));
  }

  @Test
  void revokingEveryRootLeavesNothingClaimable() throws Exception {
    fx.distributor(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree t = tree(100, 200, 300);
    post(1, t);
    fx.distributor(GUARDIAN).revokeRoot(BigInteger.ONE).send();
    ANVIL.chain().advance(DELAY);
    RewardDistributor d = fx.distributor(ALICE);
    assertRevertsWith(
        fx.web3j(),
        fx.address(ALICE),
        d,
        d.claim(fx.address(ALICE), BigInteger.valueOf(100), t.proof(0)),
        "NoActiveRoot()");
    assertThat(d.lastPostedEpoch().send().component1()).isFalse();
  }

  @Test
  void fundingNeedsAnAmount() throws Exception {
    RewardDistributor d = fx.distributor(DEPLOYER);
    assertRevertsWith(fx.web3j(), fx.address(DEPLOYER), d, d.fund(BigInteger.ZERO), "ZeroAmount()");
  }

  @Test
  void everyStepEmitsItsEvent() throws Exception {
    RewardDistributor d = fx.distributor(DEPLOYER);
    var funded = d.getFundedEvents(d.fund(FUNDED).send());
    assertThat(funded).singleElement().satisfies(e -> assertThat(e.totalFunded).isEqualTo(FUNDED));

    StandardMerkleTree t = tree(100, 200, 300);
    var posted = d.getRootPostedEvents(post(1, t));
    assertThat(posted)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.root).isEqualTo(t.root());
              assertThat(e.totalCumulative).isEqualTo(BigInteger.valueOf(600));
            });
    post(2, t);
    var revoked =
        d.getRootRevokedEvents(fx.distributor(GUARDIAN).revokeRoot(BigInteger.TWO).send());
    assertThat(revoked)
        .singleElement()
        .satisfies(e -> assertThat(e.epoch).isEqualTo(BigInteger.TWO));

    ANVIL.chain().advance(DELAY);
    var claimed = d.getClaimedEvents(claim(STRANGER, t, 1));
    assertThat(claimed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.account).isEqualToIgnoringCase(fx.address(BOB));
              assertThat(e.amount).isEqualTo(BigInteger.valueOf(200));
              assertThat(e.submitter).isEqualToIgnoringCase(fx.address(STRANGER));
            });
    // A claim that pays nothing emits nothing.
    assertThat(d.getClaimedEvents(claim(STRANGER, t, 1))).isEmpty();
  }
}
