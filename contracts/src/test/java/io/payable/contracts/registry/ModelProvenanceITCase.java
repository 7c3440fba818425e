package io.payable.contracts.registry;

import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
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

/**
 * ModelRegistry's trained adapters: registered with the root and count of their training set, the
 * manifest hash and the attribution method; every refusal with its own error.
 */
class ModelProvenanceITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int OWNER = 4;
  private static final int STRANGER = 6;
  private static final BigInteger HYBRID = BigInteger.TWO;

  private static PayableFixture fx;
  private static byte[] datanet;

  private String snapshot;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    fx.datanets(OWNER).createDatanet(id("datanet/law"), fx.address(OWNER), "ipfs://law").send();
    datanet = DatanetIds.ofName(fx.address(OWNER), "datanet/law");
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

  private static ModelRegistry.Provenance provenance(byte[] root, long count, byte[] manifest) {
    return new ModelRegistry.Provenance(root, BigInteger.valueOf(count), manifest, HYBRID);
  }

  @Test
  void aTrainedAdapterRecordsWhatItWasTrainedOn() throws Exception {
    ModelRegistry models = fx.models(OWNER);
    byte[] adapter = id("adapter/law-v1");
    var receipt =
        models
            .registerTrainedAdapter(
                adapter,
                id("base"),
                List.of(datanet),
                id("artifact"),
                BigInteger.TEN,
                provenance(id("root"), 17, id("manifest")))
            .send();

    ModelRegistry.Provenance p = models.provenanceOf(adapter).send();
    assertThat(p.trainingSetRoot).isEqualTo(id("root"));
    assertThat(p.trainingSetCount).isEqualTo(BigInteger.valueOf(17));
    assertThat(p.manifestHash).isEqualTo(id("manifest"));
    assertThat(p.method).isEqualTo(HYBRID);
    ModelRegistry.Adapter a = models.getAdapter(adapter).send();
    assertThat(a.artifactHash).isEqualTo(id("artifact"));
    assertThat(a.owner).isEqualToIgnoringCase(fx.address(OWNER));
    assertThat(ModelRegistry.getAdapterProvenanceRecordedEvents(receipt))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.adapterId).isEqualTo(adapter);
              assertThat(e.trainingSetRoot).isEqualTo(id("root"));
              assertThat(e.trainingSetCount).isEqualTo(BigInteger.valueOf(17));
              assertThat(e.manifestHash).isEqualTo(id("manifest"));
              assertThat(e.method).isEqualTo(HYBRID);
            });
    assertThat(ModelRegistry.getAdapterRegisteredEvents(receipt)).hasSize(1);

    // The price may change; the artifact the provenance describes may not.
    models.updateAdapter(adapter, id("artifact"), BigInteger.valueOf(11)).send();
    assertThat(models.getAdapter(adapter).send().pricePerToken).isEqualTo(BigInteger.valueOf(11));
    assertRevertsWith(
        fx.web3j(),
        fx.address(OWNER),
        models,
        models.updateAdapter(adapter, id("other artifact"), BigInteger.TEN),
        "ModelRegistryArtifactPinned(bytes32)");
    // An adapter registered without provenance keeps its old behaviour.
    byte[] plain = id("adapter/plain");
    models.registerAdapter(plain, id("base"), List.of(datanet), id("a1"), BigInteger.ONE).send();
    models.updateAdapter(plain, id("a2"), BigInteger.ONE).send();
    assertThat(models.provenanceOf(plain).send().manifestHash).isEqualTo(new byte[32]);
  }

  @Test
  void incompleteProvenanceIsRefused() {
    ModelRegistry models = fx.models(OWNER);
    byte[] adapter = id("adapter/law-v2");
    byte[] zero = new byte[32];
    record Case(
        byte[] artifact,
        List<byte[]> datanets,
        ModelRegistry.Provenance provenance,
        String error) {}
    List<Case> cases =
        List.of(
            new Case(
                zero,
                List.of(datanet),
                provenance(id("r"), 1, id("m")),
                "ModelRegistryMissingHash()"),
            new Case(
                id("a"),
                List.of(datanet),
                provenance(zero, 1, id("m")),
                "ModelRegistryMissingHash()"),
            new Case(
                id("a"),
                List.of(datanet),
                provenance(id("r"), 1, zero),
                "ModelRegistryMissingHash()"),
            new Case(
                id("a"),
                List.of(datanet),
                provenance(id("r"), 0, id("m")),
                "ModelRegistryEmptyTrainingSet()"),
            new Case(
                id("a"), List.of(), provenance(id("r"), 1, id("m")), "ModelRegistryNoDatanets()"),
            new Case(
                id("a"),
                List.of(id("missing")),
                provenance(id("r"), 1, id("m")),
                "ModelRegistryUnknownDatanet(bytes32)"));
    for (Case c : cases) {
      assertRevertsWith(
          fx.web3j(),
          fx.address(OWNER),
          models,
          models.registerTrainedAdapter(
              adapter, id("base"), c.datanets(), c.artifact(), BigInteger.ONE, c.provenance()),
          c.error());
    }
  }

  @Test
  void anIdIsRegisteredOnceAndOnlyItsOwnerUpdatesIt() throws Exception {
    ModelRegistry models = fx.models(OWNER);
    byte[] adapter = id("adapter/law-v3");
    models
        .registerTrainedAdapter(
            adapter,
            id("base"),
            List.of(datanet),
            id("a"),
            BigInteger.ONE,
            provenance(id("r"), 3, id("m")))
        .send();
    ModelRegistry stranger = fx.models(STRANGER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.registerTrainedAdapter(
            adapter,
            id("base"),
            List.of(datanet),
            id("b"),
            BigInteger.ONE,
            provenance(id("r2"), 3, id("m2"))),
        "ModelRegistryAdapterExists(bytes32)");
    assertRevertsWith(
        fx.web3j(),
        fx.address(STRANGER),
        stranger,
        stranger.updateAdapter(adapter, id("a"), BigInteger.TWO),
        "ModelRegistryNotAdapterOwner(bytes32,address)");
    assertThat(models.provenanceOf(adapter).send().trainingSetRoot).isEqualTo(id("r"));
  }
}
