package io.payable.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.cli.PayableCli;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.factory.chain.AdapterRegistry;
import io.payable.factory.chain.AttributionMethod;
import io.payable.factory.chain.Registration;
import io.payable.factory.dataset.Contribution;
import io.payable.factory.provenance.AdapterArtifact;
import io.payable.factory.provenance.FileDigests;
import io.payable.factory.provenance.TrainingManifest;
import io.payable.factory.provenance.TrainingSetRoot;
import io.payable.factory.tables.FactoryTables;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.ingest.IngestJob;
import io.payable.jobs.ingest.IngestOptions;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.models.SyntheticCheckpoints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.utils.Numeric;

/**
 * ModelFactory end to end: contributions signed and ingested by the ingest job -> {@code payable
 * models train} on the pinned snapshot (a tiny random-initialised llama, a few steps) -> the
 * adapter registered on anvil with its training-set root -> {@code payable models verify} OK. One
 * byte of the adapter changed, or a registration claiming another contribution set, and verify says
 * what differs.
 */
class ModelFactoryITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int OWNER = 4;

  record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit =
          PayableCli.newCommandLine()
              .setOut(new PrintWriter(out))
              .setErr(new PrintWriter(err))
              .execute(args);
      return new Cli(exit, out.toString(), err.toString());
    }
  }

  @Test
  void anAdapterTrainedOnAPinnedSnapshotVerifiesAgainstTheChain(@TempDir Path dir)
      throws Exception {
    PayableFixture chain =
        PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    Path deploymentFile = dir.resolve("deployment.json");
    chain.deployment().write(deploymentFile);
    Path ownerKey = dir.resolve("owner.key");
    Files.writeString(ownerKey, chain.account(OWNER).privateKey());
    chain
        .datanets(OWNER)
        .createDatanet(DatanetIds.saltOf("law"), chain.address(OWNER), "law")
        .send();
    byte[] law = DatanetIds.ofName(chain.address(OWNER), "law");
    String lawId = Numeric.toHexString(law);

    // Six contributors sign passages; the ingest job accepts them into datanet_contributions.
    Eip712Domain domain =
        Eip712Domain.payableDatanets(ANVIL.chain().chainId(), chain.deployment().datanetRegistry());
    List<byte[]> records = new ArrayList<>();
    for (int c = 1; c <= 6; c++) {
      Credentials who =
          Credentials.create(ECKeyPair.create(BigInteger.valueOf(7000 + c).shiftLeft(64)));
      records.add(
          SubmissionWriter.toJson(
              SubmissionSigner.sign(
                  domain,
                  who,
                  law,
                  BigInteger.ONE,
                  1_800_000_000L + c,
                  "Clause "
                      + c
                      + ": the tenant shall keep the premises in good and tenantable repair.",
                  Optional.of("CC-BY-4.0"))));
    }
    KAFKA.createTopics(1, "datanet.submissions");
    KAFKA.createTopics(1, "datanet.rejections", "index.manifest");
    PlatformIo.produce(KAFKA.kafka(), "datanet.submissions", records);
    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.CHAIN_ID, ANVIL.chain().chainId());
    config.set(IngestOptions.DATANET_REGISTRY, chain.deployment().datanetRegistry());
    config.set(IngestOptions.DATANETS, Map.of(lawId, "OPEN"));
    config.set(IngestOptions.STOP_AT_LATEST, true);
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(IngestOptions.INDEX_STORE, dir.resolve("index").toUri().toString());
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    IngestJob.build(env, config);
    env.execute("ingest-for-training");
    List<Record> ingested = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS);
    assertThat(ingested).hasSize(6).allSatisfy(r -> assertThat(r.getField("content")).isNotNull());
    long pinned =
        WAREHOUSE
            .warehouse()
            .catalog()
            .loadTable(IngestTables.CONTRIBUTIONS)
            .currentSnapshot()
            .snapshotId();

    Path base = dir.resolve("base");
    SyntheticCheckpoints.writeBase(
        base,
        new SyntheticCheckpoints.Spec(SyntheticCheckpoints.TOKENIZER_VOCAB, 32, 64, 2, 4, 2, 128),
        5);
    String[] chainArgs = {
      "--rpc", ANVIL.chain().rpcUrl(), "--deployment", deploymentFile.toString()
    };
    Cli train =
        Cli.run(
            concat(
                new String[] {
                  "models", "train",
                  "--base", base.toString(),
                  "--datanet", lawId,
                  "--name", "law-v1",
                  "--rank", "4",
                  "--steps", "3",
                  "--batch", "2",
                  "--seq-len", "48",
                  "--seed", "7",
                  "--eval-fraction", "0.2",
                  "--checkpoint-every", "0",
                  "--runs", dir.resolve("runs").toString(),
                  "--warehouse", WAREHOUSE.warehouse().location(),
                  "--key-file", ownerKey.toString()
                },
                chainArgs));
    assertThat(train.exit()).as(train.err() + train.out()).isZero();
    assertThat(train.out()).contains("step 3/3").contains("registered in tx");
    Path adapter = Path.of(line(train.out(), "adapter").trim());
    TrainingManifest manifest = TrainingManifest.read(adapter.resolve(AdapterArtifact.MANIFEST));
    assertThat(manifest.snapshots().datanetContributions().snapshotId()).isEqualTo(pinned);
    assertThat(manifest.trainingSet().count() + manifest.dataset().evalContributions())
        .isEqualTo(6);
    assertThat(manifest.dataset().evalContributions()).isEqualTo(1);
    assertThat(manifest.training().loss()).hasSize(3);

    // What the chain holds was computed independently here from the ingested rows.
    List<Record> trained =
        PlatformIo.rows(WAREHOUSE.warehouse(), FactoryTables.TRAINING_CONTRIBUTIONS).stream()
            .filter(r -> "train".equals(r.getField("split")))
            .toList();
    assertThat(trained).hasSize(5);
    ModelRegistry reader = chain.models(OWNER);
    byte[] key = Numeric.hexStringToByteArray(AdapterRegistry.registryKey("law-v1"));
    ModelRegistry.Provenance onChain = reader.provenanceOf(key).send();
    assertThat(onChain.trainingSetCount.intValue()).isEqualTo(5);
    assertThat(Numeric.toHexString(onChain.trainingSetRoot))
        .isEqualTo(
            TrainingSetRoot.of(
                    trained.stream()
                        .map(
                            r ->
                                new Contribution(
                                    (String) r.getField("contribution_id"),
                                    lawId,
                                    (String) r.getField("contributor"),
                                    (String) r.getField("content_hash"),
                                    "x"))
                        .toList())
                .root());
    assertThat(Numeric.toHexString(reader.getAdapter(key).send().artifactHash))
        .isEqualTo("0x" + AdapterArtifact.of(adapter).sha256());
    assertThat(Numeric.toHexString(onChain.manifestHash))
        .isEqualTo("0x" + FileDigests.sha256(adapter.resolve(AdapterArtifact.MANIFEST)));

    String[] verifyArgs =
        concat(
            new String[] {
              "models",
              "verify",
              adapter.toString(),
              "--warehouse",
              WAREHOUSE.warehouse().location()
            },
            chainArgs);
    Cli ok = Cli.run(verifyArgs);
    assertThat(ok.exit()).as(ok.err() + ok.out()).isZero();
    assertThat(ok.out()).startsWith("OK law-v1").contains("5 contributions");

    Cli list = Cli.run("models", "list", "--warehouse", WAREHOUSE.warehouse().location());
    assertThat(list.out()).contains("law-v1").contains(manifest.runId());

    // A registration claiming another contribution set for the same artifact: verify names it.
    Path claimed = dir.resolve("claimed");
    Files.createDirectories(claimed);
    for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
      Files.copy(adapter.resolve(f), claimed.resolve(f));
    }
    ObjectNode m = (ObjectNode) JSON.readTree(adapter.resolve(AdapterArtifact.MANIFEST).toFile());
    m.put("adapter_name", "law-v1-claimed");
    m.put("registry_key", AdapterRegistry.registryKey("law-v1-claimed"));
    Files.writeString(claimed.resolve(AdapterArtifact.MANIFEST), m.toPrettyString());
    List<Contribution> fewer =
        trained.subList(1, trained.size()).stream()
            .map(
                r ->
                    new Contribution(
                        (String) r.getField("contribution_id"),
                        lawId,
                        "0x",
                        (String) r.getField("content_hash"),
                        "x"))
            .toList();
    TrainingSetRoot other = TrainingSetRoot.of(fewer);
    AdapterRegistry.signing(
            new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId()),
            chain.deployment().modelRegistry(),
            chain.account(OWNER).credentials())
        .register(
            new Registration(
                AdapterRegistry.registryKey("law-v1-claimed"),
                manifest.baseModel().registryKey(),
                List.of(lawId),
                "0x" + AdapterArtifact.of(claimed).sha256(),
                BigInteger.ZERO,
                other.root(),
                other.count(),
                "0x" + FileDigests.sha256(claimed.resolve(AdapterArtifact.MANIFEST)),
                AttributionMethod.SPANS));
    Cli wrongSet =
        Cli.run(
            concat(
                new String[] {
                  "models",
                  "verify",
                  claimed.toString(),
                  "--warehouse",
                  WAREHOUSE.warehouse().location()
                },
                chainArgs));
    assertThat(wrongSet.exit()).isEqualTo(1);
    assertThat(wrongSet.out())
        .startsWith("MISMATCH law-v1-claimed")
        .contains(
            "training-set root: chain " + other.root() + ", recomputed " + onChainRoot(onChain))
        .contains("training-set count: chain 4, recomputed 5")
        .doesNotContain("artifact hash");

    // One byte of the registered adapter changed.
    Path weights = adapter.resolve("adapter_model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 1;
    Files.write(weights, bytes);
    Cli tampered = Cli.run(verifyArgs);
    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.out())
        .startsWith("MISMATCH law-v1")
        .contains("artifact hash: chain 0x" + manifest.adapter().sha256())
        .doesNotContain("training-set root");
  }

  private static String onChainRoot(ModelRegistry.Provenance p) {
    return Numeric.toHexString(p.trainingSetRoot);
  }

  private static String line(String out, String label) {
    return out.lines()
        .filter(l -> l.startsWith(label + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + label + " line in " + out))
        .substring(label.length());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
