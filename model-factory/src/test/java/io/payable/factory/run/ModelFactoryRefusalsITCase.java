package io.payable.factory.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.factory.FactoryException;
import io.payable.factory.Tables;
import io.payable.factory.TinyBase;
import io.payable.factory.chain.AdapterRegistry;
import io.payable.factory.chain.DatanetGate;
import io.payable.factory.provenance.AdapterArtifact;
import io.payable.factory.tables.FactoryTables;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.utils.Numeric;

/**
 * Bad input of every kind is refused with one line and its reason, before anything is trained,
 * written, recorded or registered.
 */
class ModelFactoryRefusalsITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int OWNER = 4;
  private static PayableFixture chain;
  private static String open;
  private static String empty;
  private static String closed;

  @TempDir static Path dir;

  @BeforeAll
  static void deploy() throws Exception {
    chain = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    DatanetRegistry datanets = chain.datanets(OWNER);
    for (String name : List.of("open", "empty", "closed")) {
      datanets.createDatanet(DatanetIds.saltOf(name), chain.address(OWNER), name).send();
    }
    open = Numeric.toHexString(DatanetIds.ofName(chain.address(OWNER), "open"));
    empty = Numeric.toHexString(DatanetIds.ofName(chain.address(OWNER), "empty"));
    closed = Numeric.toHexString(DatanetIds.ofName(chain.address(OWNER), "closed"));
    datanets.closeDatanet(Numeric.hexStringToByteArray(closed)).send();
    TinyBase.write(dir.resolve("base"));
  }

  /** A spec the factory accepts; every refused one below changes one thing of it. */
  private static TrainingSpec valid() {
    return TrainingSpec.builder()
        .base(dir.resolve("base"))
        .datanets(List.of(open))
        .name("refused")
        .rank(2)
        .steps(2)
        .batch(1)
        .seqLen(32)
        .seed(3L)
        .evalFraction(0.0)
        .build();
  }

  private static TrainingSpec spec(String datanet) {
    return valid().toBuilder().datanets(List.of(datanet)).build();
  }

  private static AdapterRegistry registry() {
    return AdapterRegistry.signing(
        new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId()),
        chain.deployment().modelRegistry(),
        chain.account(OWNER).credentials());
  }

  /** Nothing of a failed run is recorded or registered, and no run is in the runs directory. */
  private static void assertNothingRecordedOrRegistered(
      LocalIcebergWarehouse wh, AdapterRegistry registry, String name, Path runs) throws Exception {
    assertThat(wh.catalog().tableExists(FactoryTables.MODEL_TRAININGS)).isFalse();
    assertThat(wh.catalog().tableExists(FactoryTables.TRAINING_CONTRIBUTIONS)).isFalse();
    assertThat(registry.read(AdapterRegistry.registryKey(name))).isEmpty();
    try (Stream<Path> top = Files.list(runs)) {
      assertThat(top.map(p -> p.getFileName().toString()))
          .as("published runs")
          .containsOnly(ModelFactory.STAGING);
    }
  }

  private void assertRefused(
      String reason, TrainingSpec spec, Consumer<String> message, boolean registerTaken)
      throws Exception {
    try (LocalIcebergWarehouse wh =
        LocalIcebergWarehouse.open(Files.createTempDirectory(dir, "wh"))) {
      Tables.appendContributions(
          wh.catalog(),
          List.of(
              new Tables.Row(
                  "0x01", open, "0x" + "c1".repeat(20), "0x" + "01".repeat(32), "Some text.")));
      AdapterRegistry registry = registry();
      if (registerTaken) {
        chain
            .models(OWNER)
            .registerAdapter(
                Numeric.hexStringToByteArray(AdapterRegistry.registryKey("taken")),
                new byte[32],
                List.of(Numeric.hexStringToByteArray(open)),
                new byte[32],
                BigInteger.ONE)
            .send();
      }
      Path runs = Files.createTempDirectory(dir, "runs");
      ModelFactory factory =
          new ModelFactory(
              wh.catalog(),
              runs,
              (b, t, e, c, r, l, x) -> {
                throw new AssertionError("a refused run must not train");
              },
              DatanetGate.of(chain.datanets(OWNER)),
              Optional.of(registry));

      assertThatThrownBy(() -> factory.train(spec.toRequest(), RunListener.none(), () -> false))
          .isInstanceOfSatisfying(
              FactoryException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(reason);
                assertThat(e.getMessage()).doesNotContain("\n");
                message.accept(e.getMessage());
              });
      try (Stream<Path> left = Files.walk(runs)) {
        assertThat(left.filter(Files::isRegularFile))
            .as("files left in the runs directory")
            .isEmpty();
      }
      assertThat(wh.catalog().tableExists(FactoryTables.MODEL_TRAININGS)).isFalse();
      assertThat(wh.catalog().tableExists(FactoryTables.TRAINING_CONTRIBUTIONS)).isFalse();
      if (registerTaken) {
        // Still the adapter registered before, without provenance.
        assertThat(
                registry
                    .read(AdapterRegistry.registryKey(spec.name()))
                    .orElseThrow()
                    .manifestHash())
            .isEqualTo("0x" + "00".repeat(32));
      } else {
        assertThat(registry.read(AdapterRegistry.registryKey(spec.name()))).isEmpty();
      }
    }
  }

  @Test
  void unknownAndClosedDatanetsAreRefused() throws Exception {
    String unknown = "0x" + "9f".repeat(32);
    assertRefused("unknown_datanet", spec(unknown), m -> assertThat(m).contains(unknown), false);
    assertRefused("closed_datanet", spec(closed), m -> assertThat(m).contains(closed), false);
    assertRefused("bad_datanet_id", spec("law"), m -> assertThat(m).contains("law"), false);
  }

  @Test
  void anEmptyDatasetIsRefused() throws Exception {
    assertRefused(
        "empty_dataset", spec(empty), m -> assertThat(m).contains("no live contribution"), false);
  }

  @Test
  void anUnloadableBaseIsRefused() throws Exception {
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(broken.resolve("config.json"), "{not json");
    assertRefused(
        "unloadable_base",
        spec(open).withBase(broken),
        m -> assertThat(m).contains("config.json"),
        false);
    Path noTokenizer = Files.createDirectories(dir.resolve("no-tokenizer"));
    Files.copy(dir.resolve("base/config.json"), noTokenizer.resolve("config.json"));
    assertRefused(
        "unloadable_base",
        spec(open).withBase(noTokenizer),
        m -> assertThat(m).contains("tokenizer.json"),
        false);
  }

  @Test
  void hyperparametersOutOfRangeAreRefused() throws Exception {
    List<TrainingSpec> bad =
        List.of(
            valid().toBuilder().rank(0).build(),
            valid().toBuilder().lr(5.0).build(),
            valid().toBuilder().evalFraction(1.0).build(),
            valid().toBuilder().epochs(2).build(),
            valid().toBuilder().targets(List.of("x_proj")).build(),
            valid().toBuilder().schedule("warp").build());
    for (TrainingSpec b : bad) {
      assertThatThrownBy(b::toRequest)
          .isInstanceOfSatisfying(
              FactoryException.class, e -> assertThat(e.reason()).isEqualTo("bad_hyperparameter"));
    }
    // Longer sequences than the base model's context (64) only the base model can refuse.
    assertRefused(
        "bad_hyperparameter",
        valid().toBuilder().name("too-long").seqLen(65).build(),
        m -> assertThat(m).contains("context of 64"),
        false);
  }

  @Test
  void aTakenAdapterNameIsRefused() throws Exception {
    assertRefused(
        "adapter_exists",
        valid().toBuilder().name("taken").build(),
        m -> assertThat(m).contains("taken"),
        true);
  }

  @Test
  void aRunWhoseRegistrationFailsIsNeitherListedNorPublished() throws Exception {
    try (LocalIcebergWarehouse wh =
        LocalIcebergWarehouse.open(Files.createTempDirectory(dir, "wh"))) {
      Tables.appendContributions(
          wh.catalog(),
          List.of(
              new Tables.Row(
                  "0x01",
                  open,
                  "0x" + "c1".repeat(20),
                  "0x" + "01".repeat(32),
                  "The lessee shall return the keys on the last day of the term.")));
      AdapterRegistry registry = registry();
      Path runs = Files.createTempDirectory(dir, "runs");
      ModelFactory factory =
          new ModelFactory(
              wh.catalog(),
              runs,
              AdapterTrainer.lora(),
              DatanetGate.of(chain.datanets(OWNER)),
              Optional.of(registry));
      TrainingSpec raced = valid().toBuilder().name("raced").checkpointEvery(0).build();
      // Someone takes the name while the run trains: registration, the last step, fails.
      RunListener racer =
          new RunListener() {
            @Override
            public void onPhase(RunPhase phase) {
              if (phase == RunPhase.RECORDING) {
                try {
                  chain
                      .models(5)
                      .registerAdapter(
                          Numeric.hexStringToByteArray(AdapterRegistry.registryKey("raced")),
                          new byte[32],
                          List.of(Numeric.hexStringToByteArray(open)),
                          new byte[32],
                          BigInteger.ONE)
                      .send();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            }
          };

      assertThatThrownBy(() -> factory.train(raced.toRequest(), racer, () -> false))
          .isInstanceOfSatisfying(
              FactoryException.class, e -> assertThat(e.reason()).isEqualTo("registration_failed"));

      assertThat(new io.payable.factory.tables.TrainingTables(wh.catalog()).trainings()).isEmpty();
      try (Stream<Path> top = Files.list(runs)) {
        assertThat(top.map(p -> p.getFileName().toString())).containsExactly(ModelFactory.STAGING);
      }
      var onChain = registry.read(AdapterRegistry.registryKey("raced")).orElseThrow();
      assertThat(onChain.owner()).isEqualToIgnoringCase(chain.address(5));
      assertThat(onChain.manifestHash()).isEqualTo("0x" + "00".repeat(32));
    }
  }

  /**
   * A run whose artifacts cannot be written (here: the checkpoint directory, then the manifest, is
   * taken by a file or directory of the same name, as a full disk or a failing volume would make
   * the write fail) fails with one line, and leaves nothing recorded, registered or published.
   */
  @Test
  void aRunWhoseCheckpointWriteFailsLeavesNothingRegisteredOrPublished() throws Exception {
    String run = "run-checkpoint-write-fails";
    assertWriteFailureLeavesNothing(
        valid().toBuilder().name("checkpoint-fails").checkpointEvery(1).resume(run).build(),
        AdapterTrainer.lora(),
        new RunListener() {
          @Override
          public void onPhase(RunPhase phase) {
            if (phase == RunPhase.TRAINING) {
              write(runsOf(run).resolve("checkpoints"));
            }
          }
        });
  }

  @Test
  void aRunWhoseManifestWriteFailsLeavesNothingRegisteredOrPublished() throws Exception {
    AdapterTrainer lora = AdapterTrainer.lora();
    assertWriteFailureLeavesNothing(
        valid().toBuilder().name("manifest-fails").checkpointEvery(0).build(),
        (b, t, e, c, r, l, x) -> {
          var result = lora.train(b, t, e, c, r, l, x);
          Files.createDirectory(result.adapterDir().resolve(AdapterArtifact.MANIFEST));
          return result;
        },
        RunListener.none());
  }

  private static Path runs;

  private static Path runsOf(String run) {
    return runs.resolve(ModelFactory.STAGING).resolve(run);
  }

  private static void write(Path file) {
    try {
      Files.writeString(file, "in the way");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void assertWriteFailureLeavesNothing(
      TrainingSpec spec, AdapterTrainer trainer, RunListener listener) throws Exception {
    try (LocalIcebergWarehouse wh =
        LocalIcebergWarehouse.open(Files.createTempDirectory(dir, "wh"))) {
      Tables.appendContributions(
          wh.catalog(),
          List.of(
              new Tables.Row(
                  "0x01",
                  open,
                  "0x" + "c1".repeat(20),
                  "0x" + "01".repeat(32),
                  "The lessee shall return the keys on the last day of the term.")));
      AdapterRegistry registry = registry();
      runs = Files.createTempDirectory(dir, "runs");
      ModelFactory factory =
          new ModelFactory(
              wh.catalog(),
              runs,
              trainer,
              DatanetGate.of(chain.datanets(OWNER)),
              Optional.of(registry));

      assertThatThrownBy(() -> factory.train(spec.toRequest(), listener, () -> false))
          .isInstanceOfSatisfying(
              FactoryException.class,
              e -> {
                assertThat(e.reason()).isEqualTo("io_error");
                assertThat(e.getMessage())
                    .startsWith("could not write the run")
                    .doesNotContain("\n");
              });
      assertNothingRecordedOrRegistered(wh, registry, spec.name(), runs);
    }
  }
}
