package io.payable.jobs.ingest;

import static io.payable.jobs.ingest.SubmissionFixtures.signedIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Withdrawal;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.factory.dataset.Contribution;
import io.payable.factory.dataset.ContributionSnapshots;
import io.payable.factory.dataset.LiveContributions;
import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.Shard;
import io.payable.index.tombstone.Tombstones;
import io.payable.ingest.sink.ContributionEventTables;
import io.payable.ingest.sink.IngestTables;
import io.payable.ingest.validate.ContentGuard;
import io.payable.jobs.attribution.AttributionJob;
import io.payable.jobs.attribution.AttributionOptions;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.InferenceEvents;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Curation end to end, on anvil, Kafka, a MiniCluster and an Iceberg warehouse: contributions are
 * ingested; one is withdrawn by its contributor (CLI), and a replayed withdrawal and a withdrawal
 * of someone else's contribution are rejected; a curator flags three contributions of another
 * contributor on chain (CLI), a non-curator cannot, the contributor cannot dispute after the
 * window, the flags are upheld and relayed (CLI), and a relayed flag that is not upheld is
 * rejected. The upheld flags slash the stated fraction of the contributor's stake and the penalised
 * contributor, like one without the Datanet's required stake, can no longer contribute; every
 * tombstone lands in contribution_events, tombstones.json and index.manifest, and the shard builder
 * removes the documents from the shards, so a query of the index no longer finds them.
 */
class DatanetCurationITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final int OWNER = 4;
  private static final int CURATOR = 5;
  private static final int ALICE = 6;
  private static final int BOB = 7;
  private static final int STRANGER = 8;
  private static final BigInteger STAKE = BigInteger.TEN.pow(21);

  private static final List<String> WORDS =
      List.of(
          "anchor",
          "harpoon",
          "lantern",
          "compass",
          "rigging",
          "biscuit",
          "tempest",
          "ledger",
          "quarter",
          "mizzen",
          "barrel",
          "cutlass",
          "whistle",
          "almanac",
          "saltpeter",
          "tallow",
          "sextant",
          "halyard",
          "capstan",
          "forecastle",
          "oakum",
          "pennant",
          "scupper",
          "spyglass",
          "tiller",
          "windlass",
          "bulwark",
          "gunwale",
          "hammock",
          "jib",
          "keel",
          "lanyard",
          "marlin",
          "oar",
          "plank",
          "quay",
          "rudder",
          "sail",
          "timber",
          "vane",
          "wake",
          "yard",
          "amber",
          "bronze",
          "copper",
          "ember",
          "flint",
          "granite",
          "harbor",
          "ivory",
          "juniper",
          "kelp",
          "lichen",
          "meadow",
          "nettle",
          "orchard",
          "pumice",
          "quartz",
          "reed",
          "sorrel");

  /** Distinct text per contributor and nonce, with no eight-word run shared with another. */
  private static String text(int contributor, int nonce) {
    java.util.Random random = new java.util.Random(1_000L * contributor + nonce);
    StringBuilder out = new StringBuilder("Log");
    for (int i = 0; i < 30; i++) {
      out.append(' ').append(WORDS.get(random.nextInt(WORDS.size())));
    }
    return out.append('.').toString();
  }

  private Path deploymentFile;
  private Path keys;

  private Path keyFile(PayableFixture chain, int account) throws Exception {
    Path file = keys.resolve("account-" + account + ".key");
    if (!Files.exists(file)) {
      Files.writeString(file, chain.account(account).privateKey());
    }
    return file;
  }

  private Cli cli(PayableFixture chain, int as, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--deployment",
            deploymentFile.toString(),
            "--key-file",
            keyFile(chain, as).toString()));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void withdrawnAndUpheldContributionsLeaveTheIndexAndThePenaltySlashesTheStake(
      @TempDir Path store, @TempDir Path keyDir) throws Exception {
    keys = keyDir;
    PayableFixture chain =
        PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    deploymentFile = keys.resolve("deployment.json");
    chain.deployment().write(deploymentFile);
    String rpc = ANVIL.chain().rpcUrl();
    byte[] salt = Hash.sha3("curated".getBytes(StandardCharsets.UTF_8));
    byte[] datanet = DatanetIds.of(chain.address(OWNER), salt);
    String datanetHex = Numeric.toHexString(datanet);
    chain.datanets(OWNER).createDatanet(salt, chain.address(OWNER), "ipfs://curated").send();
    Cli appoint =
        cli(
            chain,
            OWNER,
            "datanet",
            "curators",
            "--rpc",
            rpc,
            "--datanet",
            datanetHex,
            "--add",
            chain.address(CURATOR));
    assertThat(appoint.exit()).as(appoint.err()).isZero();
    assertThat(appoint.out().strip()).isEqualTo(chain.address(CURATOR).toLowerCase());
    chain.token(0).transfer(chain.address(BOB), STAKE).send();
    chain.token(BOB).approve(chain.deployment().staking(), STAKE).send();
    chain.staking(BOB).stake(STAKE).send();

    Eip712Domain domain =
        Eip712Domain.payableDatanets(ANVIL.chain().chainId(), chain.deployment().datanetRegistry());
    Credentials alice = chain.account(ALICE).credentials();
    Credentials bob = chain.account(BOB).credentials();
    List<byte[]> submissions = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      submissions.add(signedIn(domain, alice, datanet, n, text(0, n)));
      submissions.add(signedIn(domain, bob, datanet, n, text(1, n)));
    }
    KAFKA.createTopics(1, "datanet.submissions", "datanet.curation");
    KAFKA.createTopics(2, "datanet.rejections", "index.manifest");
    PlatformIo.produce(KAFKA.kafka(), "datanet.submissions", submissions);

    Configuration config = new Configuration();
    config.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(IngestOptions.CURATION_TOPIC, "datanet.curation");
    config.set(IngestOptions.CHAIN_RPC_URL, rpc);
    config.set(IngestOptions.CHAIN_ID, ANVIL.chain().chainId());
    config.set(IngestOptions.DATANET_REGISTRY, chain.deployment().datanetRegistry());
    config.set(IngestOptions.ANCHOR_KEY, "file:" + keyFile(chain, PayableFixture.ANCHORER));
    config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(IngestOptions.DATANET_REFRESH, Duration.ZERO);
    config.set(IngestOptions.INDEX_STORE, store.toUri().toString());
    // About three contributions per shard: the flagged ones sit in sealed, committed shards.
    config.set(IngestOptions.SHARD_MAX_SYMBOLS, 60L);
    config.set(IngestOptions.SHARD_MAX_AGE, Duration.ofMillis(500));
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    IngestJob.build(env, config);
    JobClient job = env.executeAsync("ingest-curation-it");
    try {
      PlatformIo.awaitRows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS, 6);
      String alice1 = ContentGuard.contributionId(datanetHex, alice.getAddress(), BigInteger.ONE);
      String alice2 = ContentGuard.contributionId(datanetHex, alice.getAddress(), BigInteger.TWO);
      String alice3 =
          ContentGuard.contributionId(datanetHex, alice.getAddress(), BigInteger.valueOf(3));
      List<String> bobs = new ArrayList<>();
      for (int n = 1; n <= 3; n++) {
        bobs.add(ContentGuard.contributionId(datanetHex, bob.getAddress(), BigInteger.valueOf(n)));
      }

      // Alice withdraws her first contribution with the CLI.
      Cli withdraw =
          cli(
              chain,
              ALICE,
              "datanet",
              "withdraw",
              "--datanet",
              datanetHex,
              "--nonce",
              "1",
              "--bootstrap-servers",
              KAFKA.bootstrapServers());
      assertThat(withdraw.exit()).as(withdraw.err()).isZero();
      // Someone replays her signed withdrawal; Bob withdraws Alice's second contribution.
      JsonNode published = PlatformIo.consume(KAFKA.kafka(), "datanet.curation", 1).get(0);
      long ts = Instant.now().getEpochSecond();
      String bobsSignature = Withdrawal.of(datanetHex, alice2, ts).sign(domain, bob);
      PlatformIo.produce(
          KAFKA.kafka(),
          "datanet.curation",
          List.of(
              published.toString().getBytes(StandardCharsets.UTF_8),
              ("{\"version\":1,\"type\":\"withdrawal\",\"datanet_id\":\"%s\","
                      + "\"contribution_id\":\"%s\",\"contributor\":\"%s\",\"timestamp\":%d,"
                      + "\"signature\":\"%s\"}")
                  .formatted(datanetHex, alice2, bob.getAddress(), ts, bobsSignature)
                  .getBytes(StandardCharsets.UTF_8)));

      // The curator flags Bob's three contributions; a stranger cannot flag.
      Path evidence = keys.resolve("evidence.txt");
      Files.writeString(evidence, "copied from a copyrighted book");
      for (int n = 1; n <= 3; n++) {
        Cli flag =
            cli(
                chain,
                CURATOR,
                "datanet",
                "flag",
                "--rpc",
                rpc,
                "--datanet",
                datanetHex,
                "--contributor",
                bob.getAddress(),
                "--nonce",
                String.valueOf(n),
                "--reason",
                "copyright",
                "--evidence",
                evidence.toString());
        assertThat(flag.exit()).as(flag.err()).isZero();
        assertThat(flag.out()).contains("contribution " + bobs.get(n - 1));
      }
      Cli strangerFlag =
          cli(
              chain,
              STRANGER,
              "datanet",
              "flag",
              "--rpc",
              rpc,
              "--datanet",
              datanetHex,
              "--contributor",
              alice.getAddress(),
              "--nonce",
              "3",
              "--reason",
              "spam",
              "--evidence",
              evidence.toString());
      assertThat(strangerFlag.exit()).isNotZero();
      long window = chain.params(0).flagDisputeWindow().send().longValueExact();
      ANVIL.chain().advance(window + 1);
      Cli lateDispute =
          cli(chain, BOB, "datanet", "dispute", "--rpc", rpc, "--contribution", bobs.get(0));
      assertThat(lateDispute.exit()).isNotZero();

      // Anyone finalizes the flags and relays them to ingest; the job checks them on chain.
      for (String id : bobs) {
        Cli status =
            cli(
                chain,
                STRANGER,
                "datanet",
                "status",
                "--rpc",
                rpc,
                "--contribution",
                id,
                "--finalize",
                "--publish",
                "--bootstrap-servers",
                KAFKA.bootstrapServers());
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("flag         upheld");
      }
      // A relayed "upheld" flag the chain does not show is rejected.
      PlatformIo.produce(
          KAFKA.kafka(),
          "datanet.curation",
          List.of(
              ("{\"version\":1,\"type\":\"flag_upheld\",\"datanet_id\":\"%s\","
                      + "\"contribution_id\":\"%s\",\"contributor\":\"%s\",\"tx_hash\":\"0x%s\"}")
                  .formatted(datanetHex, alice3, alice.getAddress(), "11".repeat(32))
                  .getBytes(StandardCharsets.UTF_8)));

      // The third upheld flag reached the threshold (3): 10% of Bob's stake went to the treasury.
      DatanetRegistry registry = chain.datanets(0);
      assertThat(registry.penaltyScoreOf(bob.getAddress()).send()).isEqualTo(BigInteger.valueOf(3));
      assertThat(chain.staking(0).stakeOf(bob.getAddress()).send())
          .isEqualTo(STAKE.subtract(STAKE.divide(BigInteger.TEN)));
      assertThat(registry.isPenalized(bob.getAddress()).send()).isTrue();
      // A penalised contributor can no longer contribute, nor can Alice once the Datanet requires
      // a stake she does not have.
      chain.datanets(OWNER).setContributorStake(datanet, BigInteger.TEN.pow(18)).send();
      PlatformIo.produce(
          KAFKA.kafka(),
          "datanet.submissions",
          List.of(
              signedIn(domain, bob, datanet, 4, text(1, 4)),
              signedIn(domain, alice, datanet, 4, text(0, 4))));

      PlatformIo.awaitRows(WAREHOUSE.warehouse(), ContributionEventTables.CONTRIBUTION_EVENTS, 4);
      List<String> gone = new ArrayList<>(bobs);
      gone.add(alice1);
      List<Record> events =
          PlatformIo.rows(WAREHOUSE.warehouse(), ContributionEventTables.CONTRIBUTION_EVENTS);
      assertThat(events)
          .extracting(r -> r.getField("contribution_id") + " " + r.getField("event_type"))
          .containsExactlyInAnyOrder(
              alice1 + " withdrawn",
              bobs.get(0) + " flag_upheld",
              bobs.get(1) + " flag_upheld",
              bobs.get(2) + " flag_upheld");
      assertThat(events)
          .filteredOn(r -> r.getField("event_type").equals("flag_upheld"))
          .allSatisfy(
              r -> {
                assertThat(r.getField("contributor")).isEqualTo(bob.getAddress().toLowerCase());
                assertThat(r.getField("reason"))
                    .isEqualTo(
                        Numeric.toHexString(
                            Hash.sha3("copyright".getBytes(StandardCharsets.UTF_8))));
                assertThat((String) r.getField("tx_hash")).startsWith("0x").hasSize(66);
              });

      List<JsonNode> rejections = PlatformIo.consume(KAFKA.kafka(), "datanet.rejections", 5);
      assertThat(rejections)
          .extracting(r -> r.get("reason").asText())
          .containsExactlyInAnyOrder(
              "already_withdrawn",
              "not_contribution_owner",
              "flag_not_upheld",
              "penalized_contributor",
              "insufficient_stake");
      assertThat(PlatformIo.rows(WAREHOUSE.warehouse(), IngestTables.CONTRIBUTIONS)).hasSize(6);
      List<JsonNode> manifest = PlatformIo.consume(KAFKA.kafka(), "index.manifest", 8);
      assertThat(manifest)
          .filteredOn(e -> e.get("type").asText().equals("tombstoned"))
          .extracting(e -> e.get("contribution_id").asText())
          .containsExactlyInAnyOrderElementsOf(gone);
      assertThat(manifest)
          .filteredOn(e -> e.get("type").asText().equals("penalized"))
          .extracting(e -> e.get("contributor").asText())
          .containsExactly(bob.getAddress().toLowerCase());

      // The shard builder rewrites the shards that held them; tombstones.json lists them.
      Path index = store.resolve(datanetHex);
      List<String> indexed = awaitIndexWithout(index, gone);
      assertThat(indexed).containsExactlyInAnyOrder(alice2, alice3);
      assertThat(Tombstones.load(index).docIds()).containsExactlyInAnyOrderElementsOf(gone);
      try (ShardedIndex live = ShardedIndex.open(index)) {
        assertThat(live.count(text(1, 2))).isZero();
        assertThat(live.count(text(0, 1))).isZero();
        assertThat(live.count(text(0, 2))).isEqualTo(1);
      }

      // A ModelFactory dataset at the current snapshots leaves them out, and says why.
      ContributionSnapshots snapshots = new ContributionSnapshots(WAREHOUSE.warehouse().catalog());
      LiveContributions dataset = snapshots.read(List.of(datanetHex), snapshots.current());
      assertThat(dataset.events()).isPresent();
      assertThat(dataset.live())
          .extracting(Contribution::contributionId)
          .containsExactlyInAnyOrder(alice2, alice3);
      assertThat(dataset.excluded())
          .extracting(e -> e.contributionId() + " " + e.reason())
          .containsExactlyInAnyOrder(
              alice1 + " withdrawn",
              bobs.get(0) + " flag_upheld",
              bobs.get(1) + " flag_upheld",
              bobs.get(2) + " flag_upheld");

      List<JsonNode> shardEvents =
          PlatformIo.consume(KAFKA.kafka(), "index.manifest", manifest.size());
      assertThat(shardEvents).hasSameSizeAs(manifest);
    } finally {
      job.cancel().get();
    }
    // The attribution job, following the same manifest topic: a later output reproducing the
    // withdrawn and the flagged passages credits no contributor (the data pool goes to the
    // Datanet's treasury); one reproducing a live passage credits its contributor.
    attributeWithTheJob(datanetHex, chain.address(OWNER), alice.getAddress());
  }

  private void attributeWithTheJob(String datanet, String treasury, String alice) throws Exception {
    ECKeyPair worker = ECKeyPair.create(BigInteger.valueOf(0xa11ce));
    String operator = "0x" + "0f".repeat(20);
    String protocol = "0x" + "9e".repeat(20);
    KAFKA.createTopics(1, "inference.events", "inference.rejections", "rewards.attributed");
    String workerAddress = InferenceEventEnvelope.address(worker);
    InferenceEvent gone =
        InferenceEvents.of(
            "evt-gone",
            workerAddress,
            "base",
            "lora",
            "0xconsumer",
            BigInteger.valueOf(50_000),
            text(0, 1) + " " + text(1, 2),
            Instant.now());
    InferenceEvent live =
        InferenceEvents.of(
            "evt-live",
            workerAddress,
            "base",
            "lora",
            "0xconsumer",
            BigInteger.valueOf(50_000),
            text(0, 2),
            Instant.now());
    PlatformIo.produce(
        KAFKA.kafka(),
        "inference.events",
        List.of(InferenceEventEnvelope.sign(List.of(gone, live), worker)));

    Configuration config = new Configuration();
    config.set(AttributionOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(AttributionOptions.PROTOCOL_TREASURY, protocol);
    config.set(AttributionOptions.WORKERS, Map.of(workerAddress, operator));
    config.set(AttributionOptions.ADAPTERS, List.of("lora|" + operator + "|" + datanet));
    config.set(AttributionOptions.DATANET_TREASURIES, Map.of(datanet, treasury));
    config.set(AttributionOptions.MIN_SPAN_TOKENS, 8);
    config.set(AttributionOptions.THRESHOLD_BPS, 0);
    config.set(AttributionOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(AttributionOptions.STOP_AT_LATEST, true);
    config.set(AttributionOptions.INDEX_CACHE_DIR, keys.resolve("cache").toString());
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    AttributionJob.build(env, config);
    env.execute("attribution-after-curation-it");

    Map<String, JsonNode> rewards = new java.util.HashMap<>();
    for (JsonNode r : PlatformIo.consume(KAFKA.kafka(), "rewards.attributed", 2)) {
      rewards.put(r.get("event_id").asText(), r);
    }
    assertThat(rewards).containsOnlyKeys("evt-gone", "evt-live");
    BigInteger goneFee = gone.feeWei();
    assertThat(payouts(rewards.get("evt-gone"), "contributor")).isEmpty();
    assertThat(payouts(rewards.get("evt-gone"), "datanet_treasury"))
        .containsExactly(
            Map.entry(
                treasury.toLowerCase(),
                goneFee.multiply(BigInteger.valueOf(7_000)).divide(BigInteger.valueOf(10_000))));
    assertThat(payouts(rewards.get("evt-live"), "contributor"))
        .containsOnlyKeys(alice.toLowerCase());
    for (JsonNode r : rewards.values()) {
      BigInteger sum = BigInteger.ZERO;
      for (JsonNode p : r.get("payouts")) {
        sum = sum.add(new BigInteger(p.get("amount_wei").asText()));
      }
      assertThat(sum).isEqualTo(new BigInteger(r.get("fee_wei").asText()));
    }
  }

  /** Recipient -> amount of the payouts of one role in an attributed-reward record. */
  private static Map<String, BigInteger> payouts(JsonNode reward, String role) {
    Map<String, BigInteger> out = new java.util.TreeMap<>();
    for (JsonNode p : reward.get("payouts")) {
      if (role.equals(p.get("role").asText())) {
        out.merge(
            p.get("recipient").asText().toLowerCase(),
            new BigInteger(p.get("amount_wei").asText()),
            BigInteger::add);
      }
    }
    return out;
  }

  private static InferenceEvent event(String output, Instant done) {
    return new InferenceEvent(
        "evt-" + output.hashCode(),
        "0x" + "0f".repeat(20),
        "base",
        "lora",
        "1",
        "0xconsumer",
        BigInteger.valueOf(1_000_000),
        InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
        BigInteger.ONE,
        output,
        10,
        20,
        done.minusSeconds(2),
        done.minusSeconds(1),
        done);
  }

  /** The doc ids of the committed shards, once none of {@code gone} is among them. */
  private static List<String> awaitIndexWithout(Path index, List<String> gone) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> docs = List.of();
    while (System.nanoTime() < deadline) {
      docs = new ArrayList<>();
      try {
        for (Path dir : io.payable.index.shard.IndexLayout.shardDirs(index)) {
          Shard.open(dir, false).documents().stream().map(DocumentRecord::docId).forEach(docs::add);
        }
      } catch (RuntimeException racedWithACommit) {
        Thread.sleep(200);
        continue;
      }
      if (docs.stream().noneMatch(gone::contains)) {
        return docs;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("tombstoned documents still in the shards: " + docs);
  }
}
