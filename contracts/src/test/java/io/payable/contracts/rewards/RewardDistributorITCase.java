package io.payable.contracts.rewards;

import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.PayableFixture.GUARDIAN;
import static io.payable.contracts.testing.PayableFixture.SETTLER;
import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.generated.ProtocolParams;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import io.payable.contracts.testing.BulkSender;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * RewardDistributor on anvil: posting cumulative roots, activation, the guardian's veto and pause,
 * the admin's disable, claims by root index, and each finding of the security review replayed as an
 * attack that must fail. The distributor here has an ordinary account as admin (the deployment
 * gives that role to the timelock; GovernanceITCase goes through it).
 */
class RewardDistributorITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final long DELAY = 3_600;
  private static final BigInteger FUNDED = BigInteger.valueOf(1_000_000);
  private static final byte[] MANIFEST = new byte[32];
  private static final int ALICE = 4;
  private static final int BOB = 5;
  private static final int CAROL = 6;
  private static final int STRANGER = 7;
  private static final int ADMIN = 8;

  private static PayableFixture fx;
  private static ChainClient client;
  private static String address;
  private static String paramsAddress;
  private String snapshot;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    client = new ChainClient(fx.web3j(), ANVIL.chain().chainId());
    DefaultGasProvider gas = new DefaultGasProvider();
    ProtocolParams params =
        ProtocolParams.deploy(
                fx.web3j(),
                fx.tx(ADMIN),
                gas,
                fx.address(ADMIN),
                List.of(n(7_000), n(1_500), n(1_000), n(500)),
                n(10_000),
                n(8),
                n(1_000),
                n(3_600),
                n(DELAY),
                n(60))
            .send();
    paramsAddress = params.getContractAddress();
    RewardDistributor d =
        RewardDistributor.deploy(
                fx.web3j(),
                fx.tx(ADMIN),
                gas,
                fx.deployment().openToken(),
                paramsAddress,
                fx.address(ADMIN),
                fx.address(SETTLER),
                fx.address(GUARDIAN))
            .send();
    address = d.getContractAddress();
    BigInteger supply = fx.token(DEPLOYER).totalSupply().send();
    fx.token(DEPLOYER).approve(address, supply).send();
  }

  @BeforeEach
  void takeSnapshot() {
    snapshot = ANVIL.chain().snapshot();
  }

  @AfterEach
  void revertSnapshot() {
    ANVIL.chain().revertTo(snapshot);
  }

  private static BigInteger n(long value) {
    return BigInteger.valueOf(value);
  }

  private static RewardDistributor d(int as) {
    return RewardDistributor.load(address, fx.web3j(), fx.tx(as), new DefaultGasProvider());
  }

  private static ProtocolParams params(int as) {
    return ProtocolParams.load(paramsAddress, fx.web3j(), fx.tx(as), new DefaultGasProvider());
  }

  private StandardMerkleTree tree(long alice, long bob, long carol) {
    return tree(address, alice, bob, carol);
  }

  private StandardMerkleTree tree(String distributor, long alice, long bob, long carol) {
    return StandardMerkleTree.of(
        distributor,
        List.of(
            new RewardLeaf(fx.address(ALICE), n(alice)),
            new RewardLeaf(fx.address(BOB), n(bob)),
            new RewardLeaf(fx.address(CAROL), n(carol))));
  }

  private static BigInteger total(StandardMerkleTree tree) {
    return tree.leaves().stream()
        .map(RewardLeaf::cumulative)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  private static TransactionReceipt post(long epoch, StandardMerkleTree tree) throws Exception {
    return d(SETTLER).postRoot(n(epoch), tree.root(), total(tree), MANIFEST).send();
  }

  private static TransactionReceipt claim(
      int submitter, long rootIndex, StandardMerkleTree tree, int index) throws Exception {
    RewardLeaf leaf = tree.leaf(index);
    return d(submitter)
        .claim(n(rootIndex), leaf.account(), leaf.cumulative(), tree.proof(index))
        .send();
  }

  private static void reverts(
      int from, org.web3j.protocol.core.RemoteFunctionCall<?> call, String error) {
    assertRevertsWith(fx.web3j(), fx.address(from), d(from), call, error);
  }

  private static BigInteger balance(int account) throws Exception {
    return fx.token(DEPLOYER).balanceOf(fx.address(account)).send();
  }

  @Test
  void cumulativeClaimsPayEachWeiOnceAfterActivation() throws Exception {
    RewardDistributor d = d(DEPLOYER);
    d.fund(FUNDED).send();
    assertThat(d.totalFunded().send()).isEqualTo(FUNDED);

    StandardMerkleTree epoch1 = tree(100, 200, 300);
    assertThat(post(1, epoch1).isStatusOK()).isTrue();
    assertThat(d.lastPostedEpoch().send()).isEqualTo(new Tuple2<>(true, BigInteger.ONE));

    // Inside the veto window nothing is claimable yet.
    reverts(
        STRANGER,
        d.claim(n(0), fx.address(ALICE), n(100), epoch1.proof(0)),
        "RewardDistributorRootNotActive(uint256,uint64)");
    assertThat(d.activeRootIndex().send().component1()).isFalse();

    ANVIL.chain().advance(DELAY);
    // Anyone may submit; the OPEN goes to the account.
    claim(STRANGER, 0, epoch1, 0);
    assertThat(balance(ALICE)).isEqualTo(n(100));
    assertThat(balance(STRANGER)).isZero();

    // The same claim again pays nothing more.
    claim(STRANGER, 0, epoch1, 0);
    assertThat(balance(ALICE)).isEqualTo(n(100));
    assertThat(d.claimed(fx.address(ALICE)).send()).isEqualTo(n(100));

    StandardMerkleTree epoch2 = tree(150, 200, 900);
    post(2, epoch2);
    claim(BOB, 0, epoch1, 1);
    assertThat(balance(BOB)).isEqualTo(n(200));
    reverts(
        CAROL,
        d.claim(n(1), fx.address(CAROL), n(900), epoch2.proof(2)),
        "RewardDistributorRootNotActive(uint256,uint64)");

    ANVIL.chain().advance(DELAY);
    claim(ALICE, 1, epoch2, 0);
    claim(CAROL, 1, epoch2, 2);
    claim(BOB, 1, epoch2, 1);
    assertThat(balance(ALICE)).isEqualTo(n(150));
    assertThat(balance(BOB)).isEqualTo(n(200));
    // Carol never claimed epoch 1: one claim pays everything owed so far.
    assertThat(balance(CAROL)).isEqualTo(n(900));
    assertThat(fx.token(DEPLOYER).balanceOf(address).send()).isEqualTo(FUNDED.subtract(n(1_250)));
    assertThat(d.totalClaimed().send()).isEqualTo(n(1_250));
    assertThat(d.activeRoot().send().component2()).isEqualTo(BigInteger.TWO);
    assertThat(d.activeRootIndex().send()).isEqualTo(new Tuple2<>(true, BigInteger.ONE));
  }

  /** L-1: a claim built for root N still pays after N+1 activated, and names its root. */
  @Test
  void aClaimForAnOlderActiveRootStillPays() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree epoch1 = tree(100, 200, 300);
    post(1, epoch1);
    post(2, tree(100, 250, 300));
    ANVIL.chain().advance(2 * DELAY);
    var events = d(DEPLOYER).getClaimedEvents(claim(BOB, 0, epoch1, 1));
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.rootIndex).isZero();
              assertThat(e.amount).isEqualTo(n(200));
            });
    // An older root pays nothing new once a newer, larger one was claimed.
    claim(BOB, 1, tree(100, 250, 300), 1);
    assertThat(balance(BOB)).isEqualTo(n(250));
    assertThat(d(DEPLOYER).getClaimedEvents(claim(BOB, 0, epoch1, 1))).isEmpty();
    assertThat(balance(BOB)).isEqualTo(n(250));
  }

  @Test
  void eachRoleDoesOnlyItsOwnStep() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree t = tree(1, 2, 3);
    String denied = "AccessControlUnauthorizedAccount(address,bytes32)";
    for (int who : new int[] {STRANGER, GUARDIAN, ADMIN}) {
      reverts(who, d(who).postRoot(n(1), t.root(), total(t), MANIFEST), denied);
    }
    // The real transaction fails too.
    assertThatThrownBy(() -> d(STRANGER).postRoot(n(1), t.root(), total(t), MANIFEST).send())
        .hasMessageContaining("revert");
    post(1, t);
    for (int who : new int[] {STRANGER, SETTLER, ADMIN}) {
      reverts(who, d(who).revokeRoot(n(0)), denied);
    }
    for (int who : new int[] {STRANGER, SETTLER, GUARDIAN}) {
      reverts(who, d(who).disableRoot(n(0)), denied);
    }
    for (int who : new int[] {STRANGER, SETTLER}) {
      reverts(who, d(who).pause(), denied);
    }
    d(GUARDIAN).pause().send();
    for (int who : new int[] {STRANGER, SETTLER, GUARDIAN}) {
      reverts(who, d(who).unpause(), denied);
    }
    reverts(GUARDIAN, d(GUARDIAN).pause(), "RewardDistributorPaused()");
    d(ADMIN).unpause().send();
    reverts(ADMIN, d(ADMIN).unpause(), "RewardDistributorNotPaused()");
    // The admin can pause too.
    d(ADMIN).pause().send();
    assertThat(d(ADMIN).paused().send()).isTrue();
  }

  /** H-2: settler and guardian are distinct, non-zero, and never the admin, also after rotation. */
  @Test
  void rolesMustBeSetAndDistinct() throws Exception {
    String token = fx.deployment().openToken();
    String zero = "0x0000000000000000000000000000000000000000";
    String a = fx.address(ADMIN);
    String s = fx.address(SETTLER);
    String g = fx.address(GUARDIAN);
    List<List<String>> bad =
        List.of(
            List.of(zero, paramsAddress, a, s, g),
            List.of(token, zero, a, s, g),
            List.of(token, paramsAddress, zero, s, g),
            List.of(token, paramsAddress, a, zero, g),
            List.of(token, paramsAddress, a, s, zero),
            List.of(token, paramsAddress, a, s, s),
            List.of(token, paramsAddress, a, a, g),
            List.of(token, paramsAddress, a, s, a));
    for (List<String> args : bad) {
      assertThatThrownBy(
              () ->
                  RewardDistributor.deploy(
                          fx.web3j(),
                          fx.tx(ADMIN),
                          new DefaultGasProvider(),
                          args.get(0),
                          args.get(1),
                          args.get(2),
                          args.get(3),
                          args.get(4))
                      .send())
          .as("constructor %s", args)
          .isInstanceOf(Exception.class);
    }
    RewardDistributor admin = d(ADMIN);
    byte[] settlerRole = admin.SETTLER_ROLE().send();
    byte[] guardianRole = admin.GUARDIAN_ROLE().send();
    reverts(ADMIN, admin.grantRole(settlerRole, g), "RewardDistributorRoleConflict(address)");
    reverts(ADMIN, admin.grantRole(guardianRole, s), "RewardDistributorRoleConflict(address)");
    reverts(ADMIN, admin.grantRole(settlerRole, a), "RewardDistributorRoleConflict(address)");
    reverts(
        ADMIN,
        admin.grantRole(admin.DEFAULT_ADMIN_ROLE().send(), g),
        "RewardDistributorRoleConflict(address)");
    // Rotation: a new settler in, the old one out.
    admin.grantRole(settlerRole, fx.address(STRANGER)).send();
    admin.revokeRole(settlerRole, s).send();
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree t = tree(1, 2, 3);
    d(STRANGER).postRoot(n(1), t.root(), total(t), MANIFEST).send();
    reverts(
        SETTLER,
        d(SETTLER).postRoot(n(2), t.root(), total(t), MANIFEST),
        "AccessControlUnauthorizedAccount(address,bytes32)");
  }

  @Test
  void epochsIncreaseAndAreNeverInTheFuture() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    RewardDistributor d = d(SETTLER);
    post(5, tree(1, 2, 3));
    StandardMerkleTree next = tree(2, 2, 3);
    for (long epoch : new long[] {5, 4}) {
      reverts(
          SETTLER,
          d.postRoot(n(epoch), next.root(), total(next), MANIFEST),
          "RewardDistributorEpochNotIncreasing(uint64,uint64)");
    }
    // An epoch after the current one would block every later post: refused.
    long block =
        fx.web3j()
            .ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
            .send()
            .getBlock()
            .getTimestamp()
            .longValueExact();
    reverts(
        SETTLER,
        d.postRoot(n(block / 3_600 + 2), next.root(), total(next), MANIFEST),
        "RewardDistributorEpochInFuture(uint64,uint64)");
    reverts(
        SETTLER,
        d.postRoot(n(6), new byte[32], total(next), MANIFEST),
        "RewardDistributorZeroRoot()");
    post(6, next);
    assertThat(d.lastPostedEpoch().send().component2()).isEqualTo(n(6));
  }

  @Test
  void totalsNeverDecreaseNorExceedFunding() throws Exception {
    RewardDistributor d = d(SETTLER);
    d(DEPLOYER).fund(n(1_000)).send();
    post(1, tree(100, 200, 300));
    StandardMerkleTree lower = tree(100, 200, 299);
    reverts(
        SETTLER,
        d.postRoot(n(2), lower.root(), total(lower), MANIFEST),
        "RewardDistributorTotalDecreasing(uint256,uint256)");
    StandardMerkleTree over = tree(100, 200, 701);
    reverts(
        SETTLER,
        d.postRoot(n(2), over.root(), total(over), MANIFEST),
        "RewardDistributorTotalAboveFunded(uint256,uint256)");
    d(DEPLOYER).fund(BigInteger.ONE).send();
    assertThat(post(2, over).isStatusOK()).isTrue();
  }

  @Test
  void fundingNeedsAnAmountAndTheTokens() throws Exception {
    reverts(DEPLOYER, d(DEPLOYER).fund(BigInteger.ZERO), "RewardDistributorZeroAmount()");
    // A funder without the OPEN it promises: the token refuses the transfer.
    fx.token(STRANGER).approve(address, FUNDED).send();
    reverts(
        STRANGER, d(STRANGER).fund(FUNDED), "ERC20InsufficientBalance(address,uint256,uint256)");
    assertThat(d(STRANGER).totalFunded().send()).isZero();
  }

  @Test
  void badProofsWrongAmountsAndUnknownRootsAreRejected() throws Exception {
    RewardDistributor d = d(ALICE);
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree t = tree(100, 200, 300);
    post(1, t);
    ANVIL.chain().advance(DELAY);
    String invalid = "RewardDistributorInvalidProof(address,uint256)";
    reverts(ALICE, d.claim(n(0), fx.address(ALICE), n(101), t.proof(0)), invalid);
    reverts(ALICE, d.claim(n(0), fx.address(ALICE), n(200), t.proof(1)), invalid);
    reverts(ALICE, d.claim(n(0), fx.address(ALICE), n(100), List.of()), invalid);
    reverts(
        ALICE,
        d.claim(n(1), fx.address(ALICE), n(100), t.proof(0)),
        "RewardDistributorUnknownRoot(uint256)");
    reverts(ALICE, d.distributionAt(n(1)), "RewardDistributorUnknownRoot(uint256)");
    assertThat(balance(ALICE)).isZero();
  }

  /**
   * L-4: leaves name their distributor, so a second deployment posted the same tree (a
   * redeployment, or a settler key that serves both) cannot pay it again.
   */
  @Test
  void aProofForOneDistributorDoesNotPayAtAnother() throws Exception {
    RewardDistributor other =
        RewardDistributor.deploy(
                fx.web3j(),
                fx.tx(ADMIN),
                new DefaultGasProvider(),
                fx.deployment().openToken(),
                paramsAddress,
                fx.address(ADMIN),
                fx.address(SETTLER),
                fx.address(GUARDIAN))
            .send();
    String otherAddress = other.getContractAddress();
    fx.token(DEPLOYER).approve(otherAddress, FUNDED).send();
    RewardDistributor.load(otherAddress, fx.web3j(), fx.tx(DEPLOYER), new DefaultGasProvider())
        .fund(FUNDED)
        .send();
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree here = tree(100, 200, 300);
    post(1, here);
    RewardDistributor.load(otherAddress, fx.web3j(), fx.tx(SETTLER), new DefaultGasProvider())
        .postRoot(n(1), here.root(), total(here), MANIFEST)
        .send();
    ANVIL.chain().advance(DELAY);

    claim(ALICE, 0, here, 0);
    assertThat(balance(ALICE)).isEqualTo(n(100));
    RewardDistributor otherAsAlice =
        RewardDistributor.load(otherAddress, fx.web3j(), fx.tx(ALICE), new DefaultGasProvider());
    assertRevertsWith(
        fx.web3j(),
        fx.address(ALICE),
        otherAsAlice,
        otherAsAlice.claim(n(0), fx.address(ALICE), n(100), here.proof(0)),
        "RewardDistributorInvalidProof(address,uint256)");
    assertThat(balance(ALICE)).isEqualTo(n(100));
    assertThat(fx.token(DEPLOYER).balanceOf(otherAddress).send()).isEqualTo(FUNDED);
    // The other distributor pays only a tree built for it.
    assertThat(tree(otherAddress, 100, 200, 300).rootHex()).isNotEqualTo(here.rootHex());
  }

  /** A later root that lowers an account's leaf pays it nothing and takes nothing back. */
  @Test
  void aLoweredLeafPaysNothing() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree first = tree(100, 200, 300);
    post(1, first);
    ANVIL.chain().advance(DELAY);
    claim(ALICE, 0, first, 0);
    StandardMerkleTree lowered = tree(40, 200, 400);
    post(2, lowered);
    ANVIL.chain().advance(DELAY);
    assertThat(d(DEPLOYER).getClaimedEvents(claim(ALICE, 1, lowered, 0))).isEmpty();
    assertThat(balance(ALICE)).isEqualTo(n(100));
    assertThat(d(DEPLOYER).claimed(fx.address(ALICE)).send()).isEqualTo(n(100));
  }

  /** Several pending roots: revoking one that is not the newest removes it and the later ones. */
  @Test
  void revokingAPendingRootRemovesItAndTheRootsAfterIt() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree epoch1 = tree(100, 200, 300);
    post(1, epoch1);
    ANVIL.chain().advance(DELAY);
    RewardDistributor guardian = d(GUARDIAN);
    reverts(GUARDIAN, guardian.revokeRoot(n(0)), "RewardDistributorRootAlreadyActive(uint256)");

    post(2, tree(100, 200, 300_000));
    post(3, tree(100, 200, 300_001));
    post(4, tree(100, 200, 300_002));
    assertThat(guardian.distributionCount().send()).isEqualTo(n(4));
    var revoked = guardian.getRootsRevokedEvents(guardian.revokeRoot(n(2)).send());
    assertThat(revoked)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.index).isEqualTo(n(2));
              assertThat(e.count).isEqualTo(n(2));
            });
    assertThat(guardian.distributionCount().send()).isEqualTo(n(2));
    assertThat(guardian.lastPostedEpoch().send().component2()).isEqualTo(n(2));
    reverts(GUARDIAN, guardian.revokeRoot(n(2)), "RewardDistributorUnknownRoot(uint256)");
    guardian.revokeRoot(n(1)).send();
    // A revoked root is as if never posted: the committer sees epoch 1 again.
    assertThat(guardian.lastPostedEpoch().send().component2()).isEqualTo(BigInteger.ONE);

    ANVIL.chain().advance(DELAY);
    reverts(
        CAROL,
        d(CAROL).claim(n(1), fx.address(CAROL), n(300_000), tree(100, 200, 300_000).proof(2)),
        "RewardDistributorUnknownRoot(uint256)");
    claim(CAROL, 0, epoch1, 2);
    assertThat(balance(CAROL)).isEqualTo(n(300));

    // The corrected root may reuse the revoked epoch and index.
    StandardMerkleTree corrected = tree(100, 200, 400);
    post(2, corrected);
    ANVIL.chain().advance(DELAY);
    claim(CAROL, 1, corrected, 2);
    assertThat(balance(CAROL)).isEqualTo(n(400));
  }

  /**
   * H-1: a stolen SETTLER key posts 1,000 roots inside the veto window. The guardian pauses and
   * revokes them all in one transaction whose gas does not depend on their number; claims and posts
   * then cost what they cost with one root, and the honest settler posts again.
   */
  @Test
  void aFloodOfRootsIsUndoneInOneStepAndChangesNoCost() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree honest = tree(100, 200, 300);
    post(1, honest);
    ANVIL.chain().advance(DELAY);

    // Baseline with one root: revoke of one pending root, and a claim.
    String base = ANVIL.chain().snapshot();
    post(2, tree(100, 200, 301));
    long revokeOne = d(GUARDIAN).revokeRoot(n(1)).send().getGasUsed().longValueExact();
    long claimOne = claim(ALICE, 0, honest, 0).getGasUsed().longValueExact();
    ANVIL.chain().revertTo(base);

    List<String> flood = new ArrayList<>();
    RewardDistributor settler = d(SETTLER);
    for (int i = 0; i < 1_000; i++) {
      StandardMerkleTree fake = tree(100, 200, 301 + i);
      flood.add(
          settler.postRoot(n(2 + i), fake.root(), total(fake), MANIFEST).encodeFunctionCall());
    }
    BulkSender.send(
        fx.web3j(), ANVIL.chain().chainId(), fx.account(SETTLER).credentials(), address, flood);
    assertThat(d(GUARDIAN).distributionCount().send()).isEqualTo(n(1_001));

    d(GUARDIAN).pause().send();
    // While paused nothing is posted or claimed.
    reverts(
        SETTLER,
        settler.postRoot(n(2_000), honest.root(), total(honest), MANIFEST),
        "RewardDistributorPaused()");
    reverts(
        ALICE,
        d(ALICE).claim(n(0), fx.address(ALICE), n(100), honest.proof(0)),
        "RewardDistributorPaused()");
    long revokeAll = d(GUARDIAN).revokeRoot(n(1)).send().getGasUsed().longValueExact();
    assertThat(d(GUARDIAN).distributionCount().send()).isEqualTo(BigInteger.ONE);
    d(ADMIN).unpause().send();

    long claimAfter = claim(ALICE, 0, honest, 0).getGasUsed().longValueExact();
    assertThat(balance(ALICE)).isEqualTo(n(100));
    // Same slots touched: equal up to the calldata of the index.
    assertThat(revokeAll).isBetween(revokeOne - 100, revokeOne + 100);
    assertThat(claimAfter).isBetween(claimOne - 100, claimOne + 100);
    // Not frozen: the honest settler goes on from its own last epoch.
    StandardMerkleTree next = tree(150, 200, 300);
    assertThat(post(2, next).isStatusOK()).isTrue();
  }

  /**
   * H-2: the admin disables an active root; the next honest total may be below the disabled one.
   */
  @Test
  void theAdminDisablesAnActiveRoot() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    post(1, tree(100, 200, 300));
    StandardMerkleTree inflated = tree(100, 200, 900_000);
    post(2, inflated);
    ANVIL.chain().advance(DELAY);
    var disabled = d(ADMIN).getRootDisabledEvents(d(ADMIN).disableRoot(n(1)).send());
    assertThat(disabled).singleElement().satisfies(e -> assertThat(e.epoch).isEqualTo(n(2)));
    reverts(ADMIN, d(ADMIN).disableRoot(n(1)), "RewardDistributorRootDisabled(uint256)");
    reverts(ADMIN, d(ADMIN).disableRoot(n(2)), "RewardDistributorUnknownRoot(uint256)");
    reverts(
        CAROL,
        d(CAROL).claim(n(1), fx.address(CAROL), n(900_000), inflated.proof(2)),
        "RewardDistributorRootDisabled(uint256)");
    assertThat(d(CAROL).activeRootIndex().send()).isEqualTo(new Tuple2<>(true, BigInteger.ZERO));
    assertThat(d(CAROL).distributionAt(n(1)).send().disabled).isTrue();
    StandardMerkleTree corrected = tree(100, 200, 400);
    post(3, corrected);
    ANVIL.chain().advance(DELAY);
    claim(CAROL, 2, corrected, 2);
    assertThat(balance(CAROL)).isEqualTo(n(400));
  }

  /**
   * H-2: a root whose leaves add up to more than it declares (one leaf worth the pool, a modest
   * total) cannot pay out beyond that total.
   */
  @Test
  void claimsUnderARootNeverExceedItsTotal() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    StandardMerkleTree honest = tree(100, 200, 300);
    post(1, honest);
    ANVIL.chain().advance(DELAY);
    claim(ALICE, 0, honest, 0);
    claim(BOB, 0, honest, 1);
    // The stolen key's root: Carol's leaf is the whole pool, the declared total looks normal.
    StandardMerkleTree lying = tree(100, 200, FUNDED.longValueExact() - 300);
    d(SETTLER).postRoot(n(2), lying.root(), n(700), MANIFEST).send();
    ANVIL.chain().advance(DELAY);
    reverts(
        CAROL,
        d(CAROL).claim(n(1), fx.address(CAROL), n(FUNDED.longValueExact() - 300), lying.proof(2)),
        "RewardDistributorRootOverspent(uint256,uint256,uint256)");
    // The honest leaf is still paid under the honest root.
    claim(CAROL, 0, honest, 2);
    assertThat(balance(CAROL)).isEqualTo(n(300));
  }

  /** M-3 and monotone activation: a lowered delay never lets a later root activate first. */
  @Test
  void activationDelayChangesKeepRootsInOrder() throws Exception {
    d(DEPLOYER).fund(FUNDED).send();
    post(1, tree(100, 200, 300));
    params(ADMIN).setActivationDelay(n(60)).send();
    post(2, tree(100, 200, 301));
    var first = d(ADMIN).distributionAt(n(0)).send();
    var second = d(ADMIN).distributionAt(n(1)).send();
    assertThat(second.activatesAt).isEqualTo(first.activatesAt);
    ANVIL.chain().advance(120);
    // Still revocable: neither is active before the first one's time.
    d(GUARDIAN).revokeRoot(n(0)).send();
    assertThat(d(ADMIN).distributionCount().send()).isZero();
    params(ADMIN).setActivationDelay(n(7_200)).send();
    post(1, tree(1, 2, 3));
    long now =
        fx.web3j()
            .ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
            .send()
            .getBlock()
            .getTimestamp()
            .longValueExact();
    assertThat(d(ADMIN).distributionAt(n(0)).send().activatesAt).isEqualTo(n(now + 7_200));
  }

  @Test
  void everyStepEmitsItsEvent() throws Exception {
    RewardDistributor d = d(DEPLOYER);
    var funded = d.getFundedEvents(d.fund(FUNDED).send());
    assertThat(funded).singleElement().satisfies(e -> assertThat(e.totalFunded).isEqualTo(FUNDED));

    StandardMerkleTree t = tree(100, 200, 300);
    var posted = d.getRootPostedEvents(post(1, t));
    assertThat(posted)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.root).isEqualTo(t.root());
              assertThat(e.index).isZero();
              assertThat(e.totalCumulative).isEqualTo(n(600));
            });
    assertThat(d.getPausedEvents(d(GUARDIAN).pause().send()))
        .singleElement()
        .satisfies(e -> assertThat(e.account).isEqualToIgnoringCase(fx.address(GUARDIAN)));
    assertThat(d.getUnpausedEvents(d(ADMIN).unpause().send())).hasSize(1);

    ANVIL.chain().advance(DELAY);
    var claimed = d.getClaimedEvents(claim(STRANGER, 0, t, 1));
    assertThat(claimed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.account).isEqualToIgnoringCase(fx.address(BOB));
              assertThat(e.rootIndex).isZero();
              assertThat(e.amount).isEqualTo(n(200));
              assertThat(e.submitter).isEqualToIgnoringCase(fx.address(STRANGER));
            });
    // A claim that pays nothing emits nothing.
    assertThat(d.getClaimedEvents(claim(STRANGER, 0, t, 1))).isEmpty();
  }
}
