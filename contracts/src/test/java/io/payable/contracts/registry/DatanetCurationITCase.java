package io.payable.contracts.registry;

import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Withdrawal;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Datanet curation on the deployed contract set: curators appointed by a Datanet's owner flag
 * contributions, contributors dispute within ProtocolParams' window, flags are upheld or dismissed,
 * and upheld flags past the penalty threshold slash a fraction of the contributor's stake. Every
 * revert path of the curation functions is produced here.
 */
class DatanetCurationITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int OWNER = 4;
  private static final int CURATOR = 5;
  private static final int STRANGER = 6;
  private static final int CONTRIBUTOR = 7;
  private static final BigInteger STAKE = BigInteger.TEN.pow(21);
  private static final byte[] SPAM = word("spam");
  private static final byte[] EVIDENCE = word("evidence");

  private static PayableFixture fx;
  private static byte[] datanet;
  private static long window;
  private String snapshot;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    byte[] salt = word("datanet/curated");
    datanet = DatanetIds.of(fx.address(OWNER), salt);
    fx.datanets(OWNER).createDatanet(salt, fx.address(OWNER), "ipfs://curated").send();
    window = fx.params(0).flagDisputeWindow().send().longValueExact();
    fx.token(0).transfer(fx.address(CONTRIBUTOR), STAKE).send();
    fx.token(CONTRIBUTOR).approve(fx.deployment().staking(), STAKE).send();
  }

  @BeforeEach
  void takeSnapshot() {
    snapshot = ANVIL.chain().snapshot();
  }

  @AfterEach
  void revertSnapshot() {
    ANVIL.chain().revertTo(snapshot);
  }

  private static byte[] word(String s) {
    return Hash.sha3(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The ingest job's contribution id: keccak256(abi.encode(datanetId, contributor, nonce)). */
  private static byte[] contributionId(String contributor, long nonce) {
    return Numeric.hexStringToByteArray(
        Hash.sha3(
            "0x"
                + TypeEncoder.encode(new Bytes32(datanet))
                + TypeEncoder.encode(new Address(contributor))
                + TypeEncoder.encode(new Uint256(nonce))));
  }

  private static void reverts(int from, DatanetRegistry as, RemoteFunctionCall<?> c, String e) {
    assertRevertsWith(fx.web3j(), fx.address(from), as, c, e);
  }

  private static void appointCurator() throws Exception {
    fx.datanets(OWNER).setCurator(datanet, fx.address(CURATOR), true).send();
  }

  private static byte[] flag(long nonce) throws Exception {
    fx.datanets(CURATOR)
        .flag(datanet, fx.address(CONTRIBUTOR), BigInteger.valueOf(nonce), SPAM, EVIDENCE)
        .send();
    return contributionId(fx.address(CONTRIBUTOR), nonce);
  }

  private static int status(byte[] id) throws Exception {
    return fx.datanets(0).flagOf(id).send().status.intValueExact();
  }

  @Test
  void onlyTheOwnerAppointsAndRemovesCurators() throws Exception {
    DatanetRegistry stranger = fx.datanets(STRANGER);
    DatanetRegistry owner = fx.datanets(OWNER);
    reverts(
        STRANGER,
        stranger,
        stranger.setCurator(datanet, fx.address(STRANGER), true),
        "DatanetRegistryNotDatanetOwner(bytes32,address)");
    reverts(
        OWNER,
        owner,
        owner.setCurator(word("no such datanet"), fx.address(CURATOR), true),
        "DatanetRegistryUnknownDatanet(bytes32)");
    reverts(
        OWNER,
        owner,
        owner.setCurator(datanet, "0x0000000000000000000000000000000000000000", true),
        "DatanetRegistryZeroAddress()");

    appointCurator();
    owner.setCurator(datanet, fx.address(STRANGER), true).send();
    assertThat(owner.isCurator(datanet, fx.address(CURATOR)).send()).isTrue();
    assertThat((List<?>) owner.curatorsOf(datanet).send())
        .map(a -> a.toString().toLowerCase())
        .containsExactlyInAnyOrder(
            fx.address(CURATOR).toLowerCase(), fx.address(STRANGER).toLowerCase());
    owner.setCurator(datanet, fx.address(STRANGER), false).send();
    assertThat(owner.isCurator(datanet, fx.address(STRANGER)).send()).isFalse();
    assertThat((List<?>) owner.curatorsOf(datanet).send()).hasSize(1);
  }

  @Test
  void onlyCuratorsFlagAndAContributionCarriesOneLiveFlag() throws Exception {
    appointCurator();
    DatanetRegistry stranger = fx.datanets(STRANGER);
    DatanetRegistry curator = fx.datanets(CURATOR);
    String contributor = fx.address(CONTRIBUTOR);
    reverts(
        STRANGER,
        stranger,
        stranger.flag(datanet, contributor, BigInteger.ONE, SPAM, EVIDENCE),
        "DatanetRegistryNotCurator(bytes32,address)");
    reverts(
        CURATOR,
        curator,
        curator.flag(word("no such datanet"), contributor, BigInteger.ONE, SPAM, EVIDENCE),
        "DatanetRegistryUnknownDatanet(bytes32)");
    reverts(
        CURATOR,
        curator,
        curator.flag(
            datanet, "0x0000000000000000000000000000000000000000", BigInteger.ONE, SPAM, EVIDENCE),
        "DatanetRegistryZeroAddress()");

    var receipt = curator.flag(datanet, contributor, BigInteger.ONE, SPAM, EVIDENCE).send();
    byte[] id = contributionId(contributor, 1);
    var event = DatanetRegistry.getContributionFlaggedEvents(receipt).get(0);
    assertThat(event.contributionId).isEqualTo(id);
    assertThat(event.reasonCode).isEqualTo(SPAM);
    assertThat(event.evidenceHash).isEqualTo(EVIDENCE);
    var f = curator.flagOf(id).send();
    assertThat(f.contributor).isEqualToIgnoringCase(contributor);
    assertThat(f.curator).isEqualToIgnoringCase(fx.address(CURATOR));
    assertThat(event.disputableUntil).isEqualTo(f.flaggedAt.add(BigInteger.valueOf(window)));
    assertThat(status(id)).isEqualTo(1);
    assertThat(curator.contributionIdOf(datanet, contributor, BigInteger.ONE).send()).isEqualTo(id);
    reverts(
        CURATOR,
        curator,
        curator.flag(datanet, contributor, BigInteger.ONE, SPAM, EVIDENCE),
        "DatanetRegistryAlreadyFlagged(bytes32,uint8)");

    // A removed curator can no longer flag.
    fx.datanets(OWNER).setCurator(datanet, fx.address(CURATOR), false).send();
    reverts(
        CURATOR,
        curator,
        curator.flag(datanet, contributor, BigInteger.TWO, SPAM, EVIDENCE),
        "DatanetRegistryNotCurator(bytes32,address)");
  }

  @Test
  void theContributorDisputesWithinTheWindowOnly() throws Exception {
    appointCurator();
    byte[] id = flag(1);
    DatanetRegistry contributor = fx.datanets(CONTRIBUTOR);
    DatanetRegistry stranger = fx.datanets(STRANGER);
    reverts(
        STRANGER, stranger, stranger.dispute(id), "DatanetRegistryNotContributor(bytes32,address)");
    reverts(
        CONTRIBUTOR,
        contributor,
        contributor.dispute(word("never flagged")),
        "DatanetRegistryNoPendingFlag(bytes32,uint8)");
    reverts(
        STRANGER,
        stranger,
        stranger.finalizeFlag(id),
        "DatanetRegistryDisputeWindowOpen(bytes32,uint64)");

    // Within the window the dispute is accepted; after it, it is not.
    byte[] late = flag(2);
    ANVIL.chain().advance(window / 2);
    contributor.dispute(id).send();
    assertThat(status(id)).isEqualTo(2);
    reverts(
        CONTRIBUTOR,
        contributor,
        contributor.dispute(id),
        "DatanetRegistryNoPendingFlag(bytes32,uint8)");
    reverts(
        STRANGER,
        stranger,
        stranger.finalizeFlag(id),
        "DatanetRegistryNoPendingFlag(bytes32,uint8)");
    ANVIL.chain().advance(window / 2 + 1);
    reverts(
        CONTRIBUTOR,
        contributor,
        contributor.dispute(late),
        "DatanetRegistryDisputeWindowClosed(bytes32,uint64)");
    stranger.finalizeFlag(late).send();
    assertThat(status(late)).isEqualTo(3);
    assertThat(stranger.penaltyScoreOf(fx.address(CONTRIBUTOR)).send()).isEqualTo(BigInteger.ONE);
  }

  @Test
  void theOwnerOrGovernanceResolvesADispute() throws Exception {
    appointCurator();
    byte[] id = flag(1);
    DatanetRegistry owner = fx.datanets(OWNER);
    DatanetRegistry curator = fx.datanets(CURATOR);
    reverts(
        OWNER, owner, owner.resolveDispute(id, true), "DatanetRegistryNotDisputed(bytes32,uint8)");
    fx.datanets(CONTRIBUTOR).dispute(id).send();
    // The curator who flagged is not a judge of the dispute.
    reverts(
        CURATOR,
        curator,
        curator.resolveDispute(id, true),
        "DatanetRegistryNotResolver(bytes32,address)");
    // Governance (the timelock, admin of the registry) may resolve it too.
    assertThat(
            fx.web3j()
                .ethCall(
                    org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(
                        fx.deployment().timelock(),
                        owner.getContractAddress(),
                        owner.resolveDispute(id, true).encodeFunctionCall()),
                    org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                .send()
                .hasError())
        .isFalse();

    var receipt = owner.resolveDispute(id, false).send();
    assertThat(DatanetRegistry.getFlagResolvedEvents(receipt).get(0).upheld).isFalse();
    assertThat(status(id)).isEqualTo(4);
    assertThat(owner.penaltyScoreOf(fx.address(CONTRIBUTOR)).send()).isZero();
    reverts(
        OWNER, owner, owner.resolveDispute(id, true), "DatanetRegistryNotDisputed(bytes32,uint8)");

    // A dismissed flag may be raised again, and this time upheld after a dispute.
    flag(1);
    fx.datanets(CONTRIBUTOR).dispute(id).send();
    owner.resolveDispute(id, true).send();
    assertThat(status(id)).isEqualTo(3);
    assertThat(owner.penaltyScoreOf(fx.address(CONTRIBUTOR)).send()).isEqualTo(BigInteger.ONE);
    reverts(
        CURATOR,
        curator,
        curator.flag(datanet, fx.address(CONTRIBUTOR), BigInteger.ONE, SPAM, EVIDENCE),
        "DatanetRegistryAlreadyFlagged(bytes32,uint8)");
  }

  @Test
  void penaltiesPastTheThresholdSlashTheStatedFractionOfTheStake() throws Exception {
    appointCurator();
    DatanetRegistry owner = fx.datanets(OWNER);
    String contributor = fx.address(CONTRIBUTOR);
    long threshold = fx.params(0).penaltyThreshold().send().longValueExact();
    BigInteger bps = fx.params(0).penaltySlashBps().send();
    assertThat(threshold).isEqualTo(3);
    assertThat(bps).isEqualTo(BigInteger.valueOf(1_000));

    // The Datanet requires a stake to contribute.
    reverts(
        STRANGER,
        fx.datanets(STRANGER),
        fx.datanets(STRANGER).setContributorStake(datanet, STAKE),
        "DatanetRegistryNotDatanetOwner(bytes32,address)");
    owner.setContributorStake(datanet, STAKE).send();
    assertThat(owner.contributorStakeOf(datanet).send()).isEqualTo(STAKE);
    assertThat(owner.canContribute(datanet, contributor).send()).isFalse();
    fx.staking(CONTRIBUTOR).stake(STAKE).send();
    assertThat(owner.canContribute(datanet, contributor).send()).isTrue();

    String treasury = fx.staking(0).treasury().send();
    OpenToken token = fx.token(0);
    BigInteger treasuryBefore = token.balanceOf(treasury).send();
    List<byte[]> ids = List.of(flag(1), flag(2), flag(3), flag(4));
    ANVIL.chain().advance(window);
    BigInteger expectedStake = STAKE;
    for (int i = 0; i < ids.size(); i++) {
      var receipt = fx.datanets(STRANGER).finalizeFlag(ids.get(i)).send();
      var penalty = DatanetRegistry.getContributorPenalizedEvents(receipt).get(0);
      assertThat(penalty.score.intValueExact()).isEqualTo(i + 1);
      BigInteger expectedSlash =
          i + 1 < threshold
              ? BigInteger.ZERO
              : expectedStake.multiply(bps).divide(BigInteger.valueOf(10_000));
      assertThat(penalty.slashed).as("slash at score %d", i + 1).isEqualTo(expectedSlash);
      expectedStake = expectedStake.subtract(expectedSlash);
      assertThat(fx.staking(0).stakeOf(contributor).send()).isEqualTo(expectedStake);
    }
    // 10% of 1000 OPEN, then 10% of the 900 left.
    assertThat(expectedStake).isEqualTo(new BigInteger("810000000000000000000"));
    assertThat(token.balanceOf(treasury).send().subtract(treasuryBefore))
        .isEqualTo(STAKE.subtract(expectedStake));
    assertThat(owner.isPenalized(contributor).send()).isTrue();
    assertThat(owner.canContribute(datanet, contributor).send()).isFalse();
  }

  @Test
  void aContributorWithoutStakeIsPenalisedWithoutReverting() throws Exception {
    appointCurator();
    List<byte[]> ids = List.of(flag(1), flag(2), flag(3));
    ANVIL.chain().advance(window);
    for (byte[] id : ids) {
      fx.datanets(STRANGER).finalizeFlag(id).send();
    }
    assertThat(fx.datanets(0).isPenalized(fx.address(CONTRIBUTOR)).send()).isTrue();
  }

  @Test
  void onlyTheRegistryPenalisesAndOnlyWithinTheBound() throws Exception {
    var staking = fx.staking(STRANGER);
    String registry = fx.deployment().datanetRegistry();
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        staking,
        staking.penalize(fx.address(CONTRIBUTOR), BigInteger.valueOf(100), SPAM),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    assertRevertsWith(
        fx.web3j(),
        registry,
        staking,
        staking.penalize(fx.address(CONTRIBUTOR), BigInteger.ZERO, SPAM),
        "StakingInvalidPenalty(uint16)");
    assertRevertsWith(
        fx.web3j(),
        registry,
        staking,
        staking.penalize(fx.address(CONTRIBUTOR), BigInteger.valueOf(5_001), SPAM),
        "StakingInvalidPenalty(uint16)");
  }

  @Test
  void governanceSetsThePenaltyAndTheWindowWithinBounds() throws Exception {
    var params = fx.params(STRANGER);
    String gov = fx.deployment().timelock();
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        params,
        params.setPenaltyParams(BigInteger.ONE, BigInteger.ONE),
        "OwnableUnauthorizedAccount(address)");
    assertRevertsWith(
        fx.web3j(),
        gov,
        params,
        params.setPenaltyParams(BigInteger.ZERO, BigInteger.ONE),
        "ProtocolParamsInvalidPenalty(uint32,uint16)");
    assertRevertsWith(
        fx.web3j(),
        gov,
        params,
        params.setPenaltyParams(BigInteger.ONE, BigInteger.valueOf(5_001)),
        "ProtocolParamsInvalidPenalty(uint32,uint16)");
    assertRevertsWith(
        fx.web3j(),
        gov,
        params,
        params.setFlagDisputeWindow(BigInteger.valueOf(3_599)),
        "ProtocolParamsInvalidDisputeWindow(uint64,uint64,uint64)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        params,
        params.setFlagDisputeWindow(BigInteger.valueOf(7_200)),
        "OwnableUnauthorizedAccount(address)");
    DatanetRegistry registry = fx.datanets(STRANGER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        registry,
        registry.setCuration(fx.deployment().protocolParams(), fx.deployment().staking()),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    assertRevertsWith(
        fx.web3j(),
        gov,
        registry,
        registry.setCuration(
            "0x0000000000000000000000000000000000000000", fx.deployment().staking()),
        "DatanetRegistryZeroAddress()");
  }

  @Test
  void withdrawalDigestsAndSignaturesMatchTheRegistry() throws Exception {
    DatanetRegistry registry = fx.datanets(0);
    Eip712Domain domain =
        Eip712Domain.payableDatanets(fx.chain().chainId(), registry.getContractAddress());
    byte[] id = contributionId(fx.address(CONTRIBUTOR), 42);
    Withdrawal w = new Withdrawal(datanet, id, 1_763_700_000L);
    assertThat(w.digest(domain))
        .isEqualTo(
            registry.withdrawalDigest(datanet, id, BigInteger.valueOf(1_763_700_000L)).send());
    String signature = w.sign(domain, fx.account(CONTRIBUTOR).credentials());
    assertThat(w.recover(domain, signature)).contains(fx.address(CONTRIBUTOR).toLowerCase());
    // Another timestamp is another message: the signature recovers to someone else.
    assertThat(new Withdrawal(datanet, id, 1_763_700_001L).recover(domain, signature))
        .isNotEqualTo(java.util.Optional.of(fx.address(CONTRIBUTOR).toLowerCase()));
  }

  @Test
  void curationRevertsUntilTheRegistryIsLinked() throws Exception {
    var tx = fx.tx(OWNER);
    DatanetRegistry bare =
        DatanetRegistry.deploy(
                fx.web3j(), tx, new DefaultGasProvider(), fx.address(OWNER), fx.address(STRANGER))
            .send();
    byte[] salt = word("unlinked");
    bare.createDatanet(salt, fx.address(OWNER), "x").send();
    byte[] id = DatanetIds.of(fx.address(OWNER), salt);
    bare.setCurator(id, fx.address(OWNER), true).send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        bare,
        bare.flag(id, fx.address(CONTRIBUTOR), BigInteger.ONE, SPAM, EVIDENCE),
        "DatanetRegistryCurationNotLinked()");
    assertThat(bare.isPenalized(fx.address(CONTRIBUTOR)).send()).isFalse();
  }
}
