package io.payable.contracts.registry;

import static io.payable.contracts.testing.PayableFixture.ANCHORER;
import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Hash;
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

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
  }

  private static byte[] id(String name) {
    return Hash.sha3(name.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void datanetsAreCreatedClosedAndAnchoredOncePerShard() throws Exception {
    DatanetRegistry owner = fx.datanets(OWNER);
    byte[] datanet = id("datanet/moby-dick");
    owner.createDatanet(datanet, fx.address(OWNER), "ipfs://moby").send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        owner,
        owner.createDatanet(datanet, fx.address(STRANGER), "x"),
        "DatanetExists(bytes32)");
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
        "UnknownDatanet(bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(ANCHORER),
        anchorer,
        anchorer.anchor(datanet, shard, root, BigInteger.ZERO),
        "EmptyShard(bytes32)");
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
        "ShardAlreadyAnchored(bytes32,bytes32,bytes32)");
    var anchored = anchorer.anchorOf(datanet, shard).send();
    assertThat(anchored.component1()).isEqualTo(root);
    assertThat(anchored.component2()).isEqualTo(BigInteger.TEN);

    DatanetRegistry stranger = fx.datanets(STRANGER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.closeDatanet(datanet),
        "NotDatanetOwner(bytes32,address)");
    owner.closeDatanet(datanet).send();
    assertThat(owner.isOpen(datanet).send()).isFalse();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        owner,
        owner.closeDatanet(datanet),
        "DatanetNotOpen(bytes32)");
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
    // The contract's EIP-5267 domain matches ours.
    var eip712 = registry.eip712Domain().send();
    assertThat(eip712.component2()).isEqualTo("Payable Datanets");
    assertThat(eip712.component3()).isEqualTo("1");
  }

  @Test
  void adaptersNeedKnownDatanetsAndWorkersNeedStake() throws Exception {
    byte[] datanet = id("datanet/brown");
    fx.datanets(OWNER).createDatanet(datanet, fx.address(OWNER), "ipfs://brown").send();
    ModelRegistry models = fx.models(OWNER);
    byte[] adapter = id("adapter/legal-v1");
    byte[] base = id("base/tiny-llama");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.registerAdapter(adapter, base, List.of(id("missing")), id("a1"), BigInteger.TEN),
        "UnknownDatanet(bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.registerAdapter(adapter, base, List.of(), id("a1"), BigInteger.TEN),
        "NoDatanets()");
    models.registerAdapter(adapter, base, List.of(datanet), id("a1"), BigInteger.TEN).send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.registerAdapter(adapter, base, List.of(datanet), id("a1"), BigInteger.TEN),
        "AdapterExists(bytes32)");
    ModelRegistry stranger = fx.models(STRANGER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.updateAdapter(adapter, id("a2"), BigInteger.ONE),
        "NotAdapterOwner(bytes32,address)");
    models.updateAdapter(adapter, id("a2"), BigInteger.valueOf(12)).send();
    var a = models.getAdapter(adapter).send();
    assertThat(a.version).isEqualTo(BigInteger.TWO);
    assertThat(a.pricePerToken).isEqualTo(BigInteger.valueOf(12));
    assertThat(models.adapterDatanets(adapter).send()).containsExactly(datanet);

    String workerKey = fx.address(8);
    ModelRegistry operator = fx.models(OPERATOR);
    BigInteger min = operator.minWorkerStake().send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(OPERATOR),
        operator,
        operator.registerWorker(workerKey),
        "StakeTooLow(uint256,uint256)");
    fx.token(DEPLOYER).transfer(fx.address(OPERATOR), min).send();
    fx.token(OPERATOR).approve(fx.deployment().staking(), min).send();
    fx.staking(OPERATOR).stake(min).send();
    operator.registerWorker(workerKey).send();
    assertThat(operator.isActiveWorker(workerKey).send()).isTrue();
    assertThat(operator.operatorOf(workerKey).send()).isEqualToIgnoringCase(fx.address(OPERATOR));
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.deregisterWorker(workerKey),
        "NotWorkerOperator(address,address)");

    // Dropping below the minimum stake retires the worker at once.
    fx.staking(OPERATOR).requestUnstake(BigInteger.ONE).send();
    assertThat(operator.isActiveWorker(workerKey).send()).isFalse();
    operator.deregisterWorker(workerKey).send();
    assertThat(operator.operatorOf(workerKey).send())
        .isEqualTo("0x0000000000000000000000000000000000000000");
    assertThat(operator.isActiveWorker(fx.address(9)).send()).isFalse();
  }
}
