package io.payable.jobs.attribution;

import static io.payable.jobs.attribution.AttributionFixtures.documents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.attribution.intake.ChainAdapterDirectory;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.WorkerConsent;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.generated.OpenGovernor;
import io.payable.contracts.generated.ProtocolParams;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.testing.FlinkMiniClusterTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.IndexedDocument;
import io.payable.loadgen.InferenceEvents;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The attribution job reading workers and adapters from ModelRegistry and its parameters from
 * ProtocolParams on anvil: a governance proposal that raises the attribution threshold changes the
 * attribution of events that arrive after it is executed, without a restart.
 */
class AttributionJobChainITCase extends FlinkMiniClusterTestBase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();
  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final int OWNER = 4;
  private static final int OPERATOR = 5;
  private static final int VOTER = 6;
  private static final int WORKER = 8;
  private static final BigInteger OPEN = BigInteger.TEN.pow(18);

  @Test
  void aThresholdRaisedByGovernanceDropsSmallContributorsFromLaterEvents(
      @TempDir Path store, @TempDir Path cache) throws Exception {
    PayableFixture fx =
        PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    byte[] datanetId = DatanetIds.ofName(fx.address(OWNER), "datanet/law");
    String datanet = Numeric.toHexString(datanetId);
    String treasury = fx.address(OWNER).toLowerCase();
    fx.datanets(OWNER)
        .createDatanet(DatanetIds.saltOf("datanet/law"), treasury, "ipfs://law")
        .send();
    String adapter = "law-qa";
    fx.models(OWNER)
        .registerAdapter(
            ChainAdapterDirectory.registryKey(adapter),
            Hash.sha3("tiny-base".getBytes(StandardCharsets.UTF_8)),
            List.of(datanetId),
            new byte[32],
            BigInteger.TEN)
        .send();
    ModelRegistry operator = fx.models(OPERATOR);
    BigInteger min = operator.minWorkerStake().send();
    fx.token(PayableFixture.DEPLOYER).transfer(fx.address(OPERATOR), min).send();
    fx.token(OPERATOR).approve(fx.deployment().staking(), min).send();
    fx.staking(OPERATOR).stake(min).send();
    ECKeyPair workerKey = fx.account(WORKER).credentials().getEcKeyPair();
    WorkerConsent.register(
        operator,
        ANVIL.chain().chainId(),
        fx.address(OPERATOR),
        fx.account(WORKER).credentials(),
        System.currentTimeMillis() / 1_000,
        86_400);

    String prefix = "chain.";
    KAFKA.createTopics(
        1,
        prefix + "inference.events",
        prefix + "inference.rejections",
        prefix + "rewards.attributed",
        prefix + "index.manifest");
    Random random = new Random(17);
    List<IndexedDocument> docs = documents(random, datanet, 0, 2);
    PlatformIo.produce(
        KAFKA.kafka(),
        prefix + "index.manifest",
        List.of(AttributionFixtures.shard(store, datanet, 1, docs).toJson()));

    Configuration config = new Configuration();
    config.set(AttributionOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    config.set(AttributionOptions.EVENTS_TOPIC, prefix + "inference.events");
    config.set(AttributionOptions.REJECTIONS_TOPIC, prefix + "inference.rejections");
    config.set(AttributionOptions.REWARDS_TOPIC, prefix + "rewards.attributed");
    config.set(AttributionOptions.MANIFEST_TOPIC, prefix + "index.manifest");
    config.set(AttributionOptions.PROTOCOL_TREASURY, fx.deployment().timelock());
    config.set(AttributionOptions.CHAIN_RPC_URL, ANVIL.chain().rpcUrl());
    config.set(AttributionOptions.MODEL_REGISTRY, fx.deployment().modelRegistry());
    config.set(AttributionOptions.DATANET_REGISTRY, fx.deployment().datanetRegistry());
    config.set(AttributionOptions.PROTOCOL_PARAMS, fx.deployment().protocolParams());
    config.set(AttributionOptions.CHAIN_REFRESH, Duration.ofMillis(300));
    config.set(AttributionOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    config.set(AttributionOptions.INDEX_CACHE_DIR, cache.toString());
    config.set(IcebergOptions.WAREHOUSE, WAREHOUSE.warehouse().location());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    AttributionJob.build(env, config);
    JobClient job = env.executeAsync("attribution-chain-it");
    try {
      // A long passage of one contributor and a short one of another: about 80% and 20%.
      IndexedDocument big = docs.get(0);
      IndexedDocument small = docs.get(3);
      String output =
          "vokzor thilmub. "
              + words(big.text(), 0, 60)
              + " qualum drexpho. "
              + words(small.text(), 10, 15)
              + " snubax ojofyr.";
      send(workerKey, prefix, "before", adapter, output);
      assertThat(AttributionFixtures.credited(KAFKA.kafka(), prefix, "before"))
          .containsExactlyInAnyOrder(big.contributor(), small.contributor());

      raiseThreshold(fx, 400_000); // 40%: the small contributor's share falls below it
      send(workerKey, prefix, "after", adapter, output);
      assertThat(AttributionFixtures.credited(KAFKA.kafka(), prefix, "after"))
          .containsExactly(big.contributor());

      // An unregistered signer is refused by the registry check.
      ECKeyPair stranger = fx.account(9).credentials().getEcKeyPair();
      send(stranger, prefix, "stranger", adapter, output);
      List<JsonNode> rejections =
          PlatformIo.consume(KAFKA.kafka(), prefix + "inference.rejections", 1);
      assertThat(rejections)
          .singleElement()
          .satisfies(r -> assertThat(r.get("reason").asText()).isEqualTo("unknown_worker"));
    } finally {
      job.cancel().get();
    }
  }

  private static String words(String text, int from, int count) {
    String[] w = text.split("\\s+");
    return String.join(" ", Arrays.copyOfRange(w, from, from + count));
  }

  private static void send(ECKeyPair key, String prefix, String id, String adapter, String out) {
    InferenceEvent e =
        InferenceEvents.of(
            id,
            InferenceEventEnvelope.address(key),
            "tiny-base",
            adapter,
            "0x" + "cc".repeat(20),
            BigInteger.valueOf(1_000),
            out,
            Instant.now());
    PlatformIo.produce(
        KAFKA.kafka(),
        prefix + "inference.events",
        List.of(InferenceEventEnvelope.sign(List.of(e), key)));
  }

  /** Propose, vote, queue and execute {@code setAttributionThreshold(ppm)} through the governor. */
  private static void raiseThreshold(PayableFixture fx, long ppm) throws Exception {
    fx.token(PayableFixture.DEPLOYER)
        .transfer(fx.address(VOTER), OPEN.multiply(BigInteger.valueOf(100_000_000)))
        .send();
    fx.token(VOTER).delegate(fx.address(VOTER)).send();
    ANVIL.chain().advance(1);
    ProtocolParams params = fx.params(PayableFixture.DEPLOYER);
    List<String> targets = List.of(fx.deployment().protocolParams());
    List<BigInteger> values = List.of(BigInteger.ZERO);
    List<byte[]> calls =
        List.of(
            Numeric.hexStringToByteArray(
                params.setAttributionThreshold(BigInteger.valueOf(ppm)).encodeFunctionCall()));
    String description = "Raise the attribution threshold to " + ppm + " ppm";
    byte[] descriptionHash = Hash.sha3(description.getBytes(StandardCharsets.UTF_8));
    OpenGovernor governor = fx.governor(VOTER);
    governor.propose(targets, values, calls, description).send();
    BigInteger id = governor.hashProposal(targets, values, calls, descriptionHash).send();
    ANVIL.chain().advance(governor.votingDelay().send().longValueExact() + 1);
    governor.castVote(id, BigInteger.ONE).send();
    ANVIL.chain().advance(governor.votingPeriod().send().longValueExact() + 1);
    governor.queue(targets, values, calls, descriptionHash).send();
    ANVIL.chain().advance(3_600 + 1);
    governor.execute(targets, values, calls, descriptionHash, BigInteger.ZERO).send();
    assertThat(params.attributionThresholdPpm().send()).isEqualTo(BigInteger.valueOf(ppm));
    Thread.sleep(1_000); // longer than the job's chain refresh
  }
}
