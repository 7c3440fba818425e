package io.payable.jobs.ingest;

import static io.payable.jobs.ingest.SubmissionFixtures.key;
import static io.payable.jobs.ingest.SubmissionFixtures.passage;
import static io.payable.jobs.ingest.SubmissionFixtures.signedIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.ingest.sink.IngestTables;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.utils.Numeric;

/**
 * The ingest job against a real chain: Datanets come from DatanetRegistry on anvil (open, closed,
 * unknown), signatures are checked in the registry's EIP-712 domain, and every sealed shard's
 * Merkle root ends up anchored on chain.
 */
class IngestJobChainITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  @Test
  void datanetsComeFromTheRegistryAndSealedShardsAreAnchored(
      @TempDir Path store, @TempDir Path keys) throws Exception {
    PayableFixture chain =
        PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    String registryAddress = chain.deployment().datanetRegistry();
    ChainClient client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    Credentials owner = chain.account(4).credentials();
    Path deploymentFile = keys.resolve("deployment.json");
    chain.deployment().write(deploymentFile);
    Path ownerKey = keys.resolve("owner.key");
    Files.writeString(ownerKey, chain.account(4).privateKey());
    // Ids derive from the creator and a salt (a name's keccak-256, or a 0x salt).
    byte[] open = DatanetIds.ofName(chain.address(4), "moby-dick");
    byte[] closedSalt = Numeric.hexStringToByteArray("0x" + "2b".repeat(32));
    byte[] closed = DatanetIds.of(chain.address(4), closedSalt);
    for (String datanet : List.of("moby-dick", Numeric.toHexString(closedSalt))) {
      Cli create =
          Cli.run(
              "datanet",
              "create",
              "--rpc",
              ANVIL.chain().rpcUrl(),
              "--deployment",
              deploymentFile.toString(),
              "--key-file",
              ownerKey.toString(),
              "--datanet",
              datanet,
              "--treasury",
              chain.address(5));
      assertThat(create.exit()).as(create.err()).isZero();
    }
    DatanetRegistry asOwner =
        DatanetRegistry.load(
            registryAddress, ANVIL.web3j(), client.transactionManager(owner), client.gasProvider());
    asOwner.closeDatanet(closed).send();

    Eip712Domain domain = Eip712Domain.payableDatanets(ANVIL.chain().chainId(), registryAddress);
    List<Credentials> contributors = List.of(key(3001), key(3002));
    List<byte[]> records = new ArrayList<>();
    for (int n = 1; n <= 6; n++) {
      for (int c = 0; c < contributors.size(); c++) {
        records.add(signedIn(domain, contributors.get(c), open, n, passage(c, n)));
      }
    }
    records.add(signedIn(domain, contributors.get(0), closed, 7, passage(0, 7)));
    records.add(
        signedIn(
            domain,
            contributors.get(0),
            Numeric.hexStringToByteArray("0x" + "3c".repeat(32)),
            8,
            passage(0, 8)));
    KAFKA.createTopics(1, "datanet.submissions");
    KAFKA.createTopics(2, "datanet.rejections", "index.manifest");
    PlatformIo.produce(KAFKA.kafka(), "datanet.submissions", records);
    // A contributor signs and submits a file with the CLI.
    Path contributorKey = keys.resolve("contributor.key");
    Files.writeString(contributorKey, chain.account(6).privateKey());
    Path text = keys.resolve("chapter1.txt");
    Files.writeString(text, "Call me Ishmael. Some years ago, never mind how long precisely.");
    Cli submit =
        Cli.run(
            "datanet",
            "submit",
            "--datanet",
            "moby-dick",
            "--datanet-owner",
            chain.address(4),
            "--deployment",
            deploymentFile.toString(),
            "--key-file",
            contributorKey.toString(),
            "--bootstrap-servers",
            KAFKA.bootstrapServers(),
            text.toString());
    assertThat(submit.exit()).as(submit.err()).isZero();
    String submittedId = submit.out().strip().split("\\s+")[0];

    Path anchorKey = keys.resolve("anchor.key");
    Files.writeString(anchorKey, chain.account(PayableFixture.ANCHORER).privateKey());
    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.CHAIN_RPC_URL, ANVIL.chain().rpcUrl());
    config.set(IngestOptions.CHAIN_ID, ANVIL.chain().chainId());
    config.set(IngestOptions.DATANET_REGISTRY, registryAddress);
    config.set(IngestOptions.ANCHOR_KEY, "file:" + anchorKey);
    config.set(IngestOptions.STOP_AT_LATEST, true);
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(IngestOptions.INDEX_STORE, store.toUri().toString());
    config.set(IngestOptions.SHARD_MAX_SYMBOLS, 100L);
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    IngestJob.build(env, config);
    env.execute("ingest-chain-it");

    assertThat(PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS)).hasSize(13);
    List<JsonNode> rejections = PlatformIo.consume(KAFKA.kafka(), "datanet.rejections", 2);
    assertThat(rejections.stream().map(r -> r.get("reason").asText()))
        .containsExactlyInAnyOrder("closed_datanet", "unknown_datanet");

    List<Record> shards = PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.INDEX_SHARDS);
    assertThat(shards).hasSizeGreaterThan(1);
    DatanetRegistry reader =
        DatanetRegistry.load(
            registryAddress, ANVIL.web3j(), client.transactionManager(owner), client.gasProvider());
    for (Record shard : shards) {
      Tuple3<byte[], BigInteger, BigInteger> anchor =
          reader
              .anchorOf(open, Numeric.hexStringToByteArray((String) shard.getField("shard_id")))
              .send();
      assertThat(Numeric.toHexString(anchor.component1()))
          .as("anchored root of shard %s", shard.getField("sequence"))
          .isEqualTo(shard.getField("merkle_root"));
      assertThat(anchor.component2().intValue()).isEqualTo(shard.getField("documents"));
    }
    assertThat(reader.shardCount(open).send().intValue()).isEqualTo(shards.size());
    // The contributor proves inclusion against the anchored root.
    Cli proof =
        Cli.run(
            "datanet",
            "proof",
            submittedId,
            "--warehouse",
            WAREHOUSE.warehouse().location(),
            "--rpc",
            ANVIL.chain().rpcUrl(),
            "--deployment",
            deploymentFile.toString());
    assertThat(proof.exit()).as(proof.err()).isZero();
    assertThat(proof.out()).contains("anchored, root matches").contains(submittedId);
    assertThat(
            shards.stream().map(r -> (String) r.getField("datanet_id")).collect(Collectors.toSet()))
        .containsExactly(Numeric.toHexString(open));
  }
}
