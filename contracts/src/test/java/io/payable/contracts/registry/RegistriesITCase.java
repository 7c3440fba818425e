package io.payable.contracts.registry;

import static io.payable.contracts.testing.PayableFixture.ANCHORER;
import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.WorkerConsent;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * DatanetRegistry (Datanets, anchors, the EIP-712 domain) and ModelRegistry (adapters, workers).
 */
class RegistriesITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int OWNER = 4;
  private static final int OPERATOR = 5;
  private static final int STRANGER = 6;
  private static final int CONTRIBUTOR = 7;

  private static PayableFixture fx;

  private String snapshot;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
  }

  @BeforeEach
  void takeSnapshot() {
    snapshot = ANVIL.chain().snapshot();
  }

  @AfterEach
  void revertSnapshot() {
    ANVIL.chain().revertTo(snapshot);
  }

  private static byte[] id(String name) {
    return Hash.sha3(name.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void datanetsAreCreatedClosedAndAnchoredOncePerShard() throws Exception {
    DatanetRegistry owner = fx.datanets(OWNER);
    byte[] salt = id("datanet/moby-dick");
    byte[] datanet = DatanetIds.of(fx.address(OWNER), salt);
    owner.createDatanet(salt, fx.address(OWNER), "ipfs://moby").send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        owner,
        owner.createDatanet(salt, fx.address(STRANGER), "x"),
        "DatanetRegistryDatanetExists(bytes32)");
    var d = owner.getDatanet(datanet).send();
    assertThat(d.owner).isEqualToIgnoringCase(fx.address(OWNER));
    assertThat(d.metadataURI).isEqualTo("ipfs://moby");
    assertThat(owner.isOpen(datanet).send()).isTrue();

    DatanetRegistry anchorer = fx.datanets(ANCHORER);
    byte[] shard = id("shard-0001");
    byte[] root = id("root");
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        owner,
        owner.anchor(datanet, shard, root, BigInteger.TEN),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(ANCHORER),
        anchorer,
        anchorer.anchor(id("nope"), shard, root, BigInteger.TEN),
        "DatanetRegistryUnknownDatanet(bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(ANCHORER),
        anchorer,
        anchorer.anchor(datanet, shard, root, BigInteger.ZERO),
        "DatanetRegistryEmptyShard(bytes32)");
    anchorer.anchor(datanet, shard, root, BigInteger.TEN).send();
    // A replay after a restart is a no-op; a different root for the same shard is refused.
    var replay = anchorer.anchor(datanet, shard, root, BigInteger.TEN).send();
    assertThat(replay.isStatusOK()).isTrue();
    assertThat(anchorer.getShardAnchoredEvents(replay)).isEmpty();
    assertThat(anchorer.shardCount(datanet).send()).isEqualTo(BigInteger.ONE);
    assertRevertsWith(
        fx.web3j(),
        fx.address(ANCHORER),
        anchorer,
        anchorer.anchor(datanet, shard, id("other"), BigInteger.TEN),
        "DatanetRegistryShardAlreadyAnchored(bytes32,bytes32,bytes32)");
    var anchored = anchorer.anchorOf(datanet, shard).send();
    assertThat(anchored.component1()).isEqualTo(root);
    assertThat(anchored.component2()).isEqualTo(BigInteger.TEN);

    DatanetRegistry stranger = fx.datanets(STRANGER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.closeDatanet(datanet),
        "DatanetRegistryNotDatanetOwner(bytes32,address)");
    owner.closeDatanet(datanet).send();
    assertThat(owner.isOpen(datanet).send()).isFalse();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        owner,
        owner.closeDatanet(datanet),
        "DatanetRegistryDatanetNotOpen(bytes32)");
  }

  @Test
  void contributionSignaturesFromJavaRecoverOnChain() throws Exception {
    DatanetRegistry registry = fx.datanets(STRANGER);
    Eip712Domain domain =
        Eip712Domain.payableDatanets(ANVIL.chain().chainId(), fx.deployment().datanetRegistry());
    Contribution c =
        new Contribution(
            id("datanet/sotu"),
            Contribution.contentHash("We the People"),
            BigInteger.valueOf(3),
            1_763_700_000L);
    String signature =
        ContributionSignatures.sign(domain, c, fx.account(CONTRIBUTOR).credentials());

    assertThat(
            registry
                .contributionDigest(
                    c.datanetId(), c.contentHash(), c.nonce(), BigInteger.valueOf(c.timestamp()))
                .send())
        .isEqualTo(ContributionSignatures.digest(domain, c));
    assertThat(
            registry
                .recoverContributor(
                    c.datanetId(),
                    c.contentHash(),
                    c.nonce(),
                    BigInteger.valueOf(c.timestamp()),
                    Numeric.hexStringToByteArray(signature))
                .send())
        .isEqualToIgnoringCase(fx.address(CONTRIBUTOR));
    // v of 0 or 1 is refused on chain, as it is by ContributionSignatures.
    byte[] zeroOneV = Numeric.hexStringToByteArray(signature);
    zeroOneV[64] -= 27;
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        registry,
        registry.recoverContributor(
            c.datanetId(), c.contentHash(), c.nonce(), BigInteger.valueOf(c.timestamp()), zeroOneV),
        "ECDSAInvalidSignature()");
    assertThat(ContributionSignatures.recover(domain, c, Numeric.toHexString(zeroOneV))).isEmpty();
    // The contract's EIP-5267 domain matches ours.
    var eip712 = registry.eip712Domain().send();
    assertThat(eip712.component2()).isEqualTo("Payable Datanets");
    assertThat(eip712.component3()).isEqualTo("1");
  }

  /**
   * L-2: an id is derived from its creator and salt, so an account that sees a creation coming (or
   * guesses a name) cannot take the id: the same salt from anyone else makes another Datanet.
   */
  @Test
  void noOneTakesAnotherCreatorsDatanetId() throws Exception {
    DatanetRegistry owner = fx.datanets(OWNER);
    DatanetRegistry stranger = fx.datanets(STRANGER);
    byte[] salt = id("datanet/legal");
    byte[] ownersId = owner.datanetIdOf(fx.address(OWNER), salt).send();
    // The registry's derivation and the clients' agree.
    assertThat(ownersId).isEqualTo(DatanetIds.of(fx.address(OWNER), salt));
    assertThat(Numeric.toHexString(ownersId))
        .isEqualTo(
            Numeric.toHexString(
                Hash.sha3(
                    Numeric.hexStringToByteArray(
                        "0x"
                            + "0".repeat(24)
                            + fx.address(OWNER).substring(2)
                            + Numeric.toHexStringNoPrefix(salt)))));

    // The squatter front-runs with the owner's salt: it gets an id of its own.
    var squat = stranger.createDatanet(salt, fx.address(STRANGER), "squat").send();
    byte[] squattersId = DatanetIds.of(fx.address(STRANGER), salt);
    assertThat(squattersId).isNotEqualTo(ownersId);
    assertThat(stranger.getDatanetCreatedEvents(squat))
        .singleElement()
        .satisfies(e -> assertThat(e.datanetId).isEqualTo(squattersId));
    assertThat(owner.exists(ownersId).send()).isFalse();

    var created = owner.createDatanet(salt, fx.address(OWNER), "ipfs://legal").send();
    assertThat(owner.getDatanetCreatedEvents(created))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.datanetId).isEqualTo(ownersId);
              assertThat(e.salt).isEqualTo(salt);
              assertThat(e.owner).isEqualToIgnoringCase(fx.address(OWNER));
            });
    assertThat(owner.getDatanet(ownersId).send().owner).isEqualToIgnoringCase(fx.address(OWNER));
    assertThat(owner.getDatanet(squattersId).send().owner)
        .isEqualToIgnoringCase(fx.address(STRANGER));
    // No id can be created twice, not even by its creator.
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        owner,
        owner.createDatanet(salt, fx.address(OWNER), "again"),
        "DatanetRegistryDatanetExists(bytes32)");
  }

  @Test
  void adaptersNeedKnownDatanetsAndWorkersNeedStake() throws Exception {
    byte[] datanet = DatanetIds.ofName(fx.address(OWNER), "datanet/brown");
    fx.datanets(OWNER).createDatanet(id("datanet/brown"), fx.address(OWNER), "ipfs://brown").send();
    ModelRegistry models = fx.models(OWNER);
    byte[] adapter = id("adapter/legal-v1");
    byte[] base = id("base/tiny-llama");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.registerAdapter(adapter, base, List.of(id("missing")), id("a1"), BigInteger.TEN),
        "ModelRegistryUnknownDatanet(bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.registerAdapter(adapter, base, List.of(), id("a1"), BigInteger.TEN),
        "ModelRegistryNoDatanets()");
    models.registerAdapter(adapter, base, List.of(datanet), id("a1"), BigInteger.TEN).send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.registerAdapter(adapter, base, List.of(datanet), id("a1"), BigInteger.TEN),
        "ModelRegistryAdapterExists(bytes32)");
    ModelRegistry stranger = fx.models(STRANGER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.updateAdapter(adapter, id("a2"), BigInteger.ONE),
        "ModelRegistryNotAdapterOwner(bytes32,address)");
    models.updateAdapter(adapter, id("a2"), BigInteger.valueOf(12)).send();
    var a = models.getAdapter(adapter).send();
    assertThat(a.version).isEqualTo(BigInteger.TWO);
    assertThat(a.pricePerToken).isEqualTo(BigInteger.valueOf(12));
    assertThat(models.adapterDatanets(adapter).send()).containsExactly(datanet);

    var worker = fx.account(8).credentials();
    String workerKey = worker.getAddress();
    ModelRegistry operator = fx.models(OPERATOR);
    BigInteger min = operator.minWorkerStake().send();
    long now = now();
    var consent =
        new WorkerConsent(
            workerKey, fx.address(OPERATOR), BigInteger.ZERO, BigInteger.valueOf(now + 600));
    byte[] signature = consent.sign(modelsDomain(), worker);
    assertThat(
            operator
                .workerConsentDigest(
                    workerKey, fx.address(OPERATOR), BigInteger.ZERO, consent.deadline())
                .send())
        .isEqualTo(modelsDomain().digest(consent.structHash()));
    assertRevertsWith(
        fx.web3j(),
        fx.address(OPERATOR),
        operator,
        operator.registerWorker(workerKey, consent.deadline(), signature),
        "ModelRegistryStakeTooLow(uint256,uint256)");
    stake(OPERATOR, min);
    assertRevertsWith(
        fx.web3j(),
        fx.address(OPERATOR),
        operator,
        operator.registerWorker(
            "0x0000000000000000000000000000000000000000", consent.deadline(), signature),
        "ModelRegistryZeroAddress()");
    operator.registerWorker(workerKey, consent.deadline(), signature).send();
    assertThat(operator.isActiveWorker(workerKey).send()).isTrue();
    assertThat(operator.operatorOf(workerKey).send()).isEqualToIgnoringCase(fx.address(OPERATOR));
    assertThat(operator.nonces(workerKey).send()).isEqualTo(BigInteger.ONE);
    assertRevertsWith(
        fx.web3j(),
        fx.address(OPERATOR),
        operator,
        operator.registerWorker(workerKey, consent.deadline(), signature),
        "ModelRegistryWorkerExists(address)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.deregisterWorker(workerKey),
        "ModelRegistryNotWorkerOperator(address,address)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OPERATOR),
        operator,
        operator.deregisterWorker(fx.address(9)),
        "ModelRegistryUnknownWorker(address)");

    // Dropping below the minimum stake retires the worker at once.
    fx.staking(OPERATOR).requestUnstake(BigInteger.ONE).send();
    assertThat(operator.isActiveWorker(workerKey).send()).isFalse();
    operator.deregisterWorker(workerKey).send();
    assertThat(operator.operatorOf(workerKey).send())
        .isEqualTo("0x0000000000000000000000000000000000000000");
    assertThat(operator.isActiveWorker(fx.address(9)).send()).isFalse();

    // Adapters: deactivation by the owner only; unknown ids.
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.deactivateAdapter(adapter),
        "ModelRegistryNotAdapterOwner(bytes32,address)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.deactivateAdapter(id("adapter/none")),
        "ModelRegistryUnknownAdapter(bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.updateAdapter(id("adapter/none"), id("a3"), BigInteger.ONE),
        "ModelRegistryUnknownAdapter(bytes32)");
    assertThat(models.getAdapterDeactivatedEvents(models.deactivateAdapter(adapter).send()))
        .hasSize(1);
    assertThat(models.getAdapter(adapter).send().active).isFalse();
    // setMinWorkerStake belongs to the admin (the timelock).
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.setMinWorkerStake(BigInteger.ONE),
        "AccessControlUnauthorizedAccount(address,bytes32)");
  }

  /**
   * M-1: a staked attacker tries to register a victim's worker key before the victim's operator
   * does. Without the key's consent naming the attacker, it cannot.
   */
  @Test
  void noOneRegistersAWorkerKeyWithoutItsConsent() throws Exception {
    var victim = fx.account(9).credentials();
    BigInteger min = fx.models(OPERATOR).minWorkerStake().send();
    stake(STRANGER, min);
    stake(OPERATOR, min);
    ModelRegistry attacker = fx.models(STRANGER);
    BigInteger deadline = BigInteger.valueOf(now() + 600);
    // The victim's consent for its own operator, copied from the mempool by the attacker.
    byte[] forOperator =
        new WorkerConsent(victim.getAddress(), fx.address(OPERATOR), BigInteger.ZERO, deadline)
            .sign(modelsDomain(), victim);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        attacker,
        attacker.registerWorker(victim.getAddress(), deadline, forOperator),
        "ModelRegistryInvalidConsent(address)");
    // A tampered consent naming the attacker.
    byte[] forged =
        new WorkerConsent(victim.getAddress(), fx.address(STRANGER), BigInteger.ZERO, deadline)
            .sign(modelsDomain(), victim)
            .clone();
    forged[10] ^= 1;
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        attacker,
        attacker.registerWorker(victim.getAddress(), deadline, forged),
        "ModelRegistryInvalidConsent(address)");
    // An expired consent.
    BigInteger past = BigInteger.valueOf(now() - 1);
    byte[] expired =
        new WorkerConsent(victim.getAddress(), fx.address(OPERATOR), BigInteger.ZERO, past)
            .sign(modelsDomain(), victim);
    assertRevertsWith(
        fx.web3j(),
        fx.address(OPERATOR),
        fx.models(OPERATOR),
        fx.models(OPERATOR).registerWorker(victim.getAddress(), past, expired),
        "ModelRegistryConsentExpired(uint256)");
    fx.models(OPERATOR).registerWorker(victim.getAddress(), deadline, forOperator).send();
    assertThat(attacker.operatorOf(victim.getAddress()).send())
        .isEqualToIgnoringCase(fx.address(OPERATOR));
  }

  /** L-2 and DatanetRegistry's admin paths, on a registry whose admin is a plain account. */
  @Test
  void theAdminClosesDatanetsAndInvalidatesAnchors() throws Exception {
    var tx = fx.tx(DEPLOYER);
    DatanetRegistry registry =
        DatanetRegistry.deploy(
                fx.web3j(),
                tx,
                new DefaultGasProvider(),
                fx.address(DEPLOYER),
                fx.address(ANCHORER))
            .send();
    DatanetRegistry owner =
        DatanetRegistry.load(
            registry.getContractAddress(), fx.web3j(), fx.tx(OWNER), new DefaultGasProvider());
    DatanetRegistry anchorer =
        DatanetRegistry.load(
            registry.getContractAddress(), fx.web3j(), fx.tx(ANCHORER), new DefaultGasProvider());
    byte[] datanet = DatanetIds.ofName(fx.address(OWNER), "datanet/admin");
    owner.createDatanet(id("datanet/admin"), fx.address(OWNER), "x").send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        owner,
        owner.setTreasury(datanet, "0x0000000000000000000000000000000000000000"),
        "DatanetRegistryZeroAddress()");
    assertRevertsWith(
        fx.web3j(),
        fx.address(DEPLOYER),
        registry,
        registry.setTreasury(datanet, fx.address(DEPLOYER)),
        "DatanetRegistryNotDatanetOwner(bytes32,address)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        owner,
        owner.setTreasury(id("datanet/none"), fx.address(OWNER)),
        "DatanetRegistryUnknownDatanet(bytes32)");
    var moved =
        owner.getTreasuryChangedEvents(owner.setTreasury(datanet, fx.address(STRANGER)).send());
    assertThat(moved)
        .singleElement()
        .satisfies(e -> assertThat(e.treasury).isEqualToIgnoringCase(fx.address(STRANGER)));
    assertThat(owner.treasuryOf(datanet).send()).isEqualToIgnoringCase(fx.address(STRANGER));

    // A stolen ANCHOR key pre-anchors a shard id the ingest job has not sealed yet.
    byte[] shard = id("shard-0002");
    anchorer.anchor(datanet, shard, id("forged"), BigInteger.TWO).send();
    // The same root with another count is a different anchor: refused.
    assertRevertsWith(
        fx.web3j(),
        fx.address(ANCHORER),
        anchorer,
        anchorer.anchor(datanet, shard, id("forged"), BigInteger.TEN),
        "DatanetRegistryShardAlreadyAnchored(bytes32,bytes32,bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(ANCHORER),
        anchorer,
        anchorer.invalidateAnchor(datanet, shard),
        "AccessControlUnauthorizedAccount(address,bytes32)");
    var invalidated =
        registry.getAnchorInvalidatedEvents(registry.invalidateAnchor(datanet, shard).send());
    assertThat(invalidated)
        .singleElement()
        .satisfies(e -> assertThat(e.root).isEqualTo(id("forged")));
    assertThat(registry.shardCount(datanet).send()).isZero();
    assertRevertsWith(
        fx.web3j(),
        fx.address(DEPLOYER),
        registry,
        registry.invalidateAnchor(datanet, shard),
        "DatanetRegistryUnknownAnchor(bytes32,bytes32)");
    anchorer.anchor(datanet, shard, id("honest"), BigInteger.TEN).send();
    assertThat(registry.anchorOf(datanet, shard).send().component1()).isEqualTo(id("honest"));

    // The admin may close any Datanet; unknown ids are refused.
    assertThat(registry.getDatanetClosedEvents(registry.closeDatanet(datanet).send())).hasSize(1);
    assertRevertsWith(
        fx.web3j(),
        fx.address(DEPLOYER),
        registry,
        registry.closeDatanet(id("datanet/none")),
        "DatanetRegistryUnknownDatanet(bytes32)");
    assertThat(registry.exists(id("datanet/none")).send()).isFalse();
  }

  private static long now() throws Exception {
    return fx.web3j()
        .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  private static Eip712Domain modelsDomain() {
    return WorkerConsent.domain(ANVIL.chain().chainId(), fx.deployment().modelRegistry());
  }

  private static void stake(int account, BigInteger amount) throws Exception {
    fx.token(DEPLOYER).transfer(fx.address(account), amount).send();
    fx.token(account).approve(fx.deployment().staking(), amount).send();
    fx.staking(account).stake(amount).send();
  }
}
