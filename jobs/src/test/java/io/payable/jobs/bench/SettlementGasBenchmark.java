package io.payable.jobs.bench;

import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardJson;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.settlement.SettlementJob;
import io.payable.jobs.settlement.SettlementOptions;
import io.payable.settlement.SettlementTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Gas of the settlement job with many accounts (not a test): runs the real job on a local
 * MiniCluster, Kafka and anvil over rewards paying {@code accounts} accounts in three epochs, then
 * reads the gas of each postRoot from the settlements table and claims for a sample of accounts
 * with the proofs from epoch_rewards. Arguments: accounts, claims.
 *
 * <pre>
 * ./mvnw -B -q -pl jobs -am install -DskipTests &amp;&amp; ./mvnw -B -q -pl jobs -Pbench-settlement exec:exec
 * </pre>
 */
public final class SettlementGasBenchmark {

  private static final long FIRST_EPOCH = 492_000;
  private static final long HOUR_MS = 3_600_000;

  public static void main(String[] args) throws Exception {
    int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int claims = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path dir = Files.createTempDirectory("settlement-bench-");
    try (AnvilChain chain = AnvilChain.start();
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"))) {
      Web3j web3j = chain.newClient();
      PayableFixture fx = PayableFixture.deploy(chain, web3j, DeployConfig.localDefaults());
      fx.deployment().write(dir.resolve("deployment.json"));
      Files.writeString(
          dir.resolve("settler.key"), fx.account(PayableFixture.SETTLER).privateKey());

      List<String> recipients = new ArrayList<>();
      for (int i = 0; i < accounts; i++) {
        recipients.add(String.format("0x%040x", 0x5E771E0000L + i));
      }
      Random random = new Random(42);
      BigInteger fees = BigInteger.ZERO;
      kafka.createTopics(2, "rewards.attributed");
      var props = kafka.clientProperties();
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      int events = 0;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        for (int e = 0; e < 3; e++) {
          long epoch = FIRST_EPOCH + e;
          // Epoch 0 pays every account; later epochs a random fifth of them.
          int perEpoch = e == 0 ? accounts / 5 : accounts / 25;
          for (int i = 0; i < perEpoch; i++) {
            List<Payout> payouts = new ArrayList<>();
            BigInteger fee = BigInteger.ZERO;
            for (int p = 0; p < 5; p++) {
              String to =
                  e == 0 ? recipients.get(i * 5 + p) : recipients.get(random.nextInt(accounts));
              BigInteger amount =
                  BigInteger.valueOf(1 + random.nextInt(1_000_000))
                      .multiply(BigInteger.TEN.pow(12));
              payouts.add(new Payout(to, PayoutRole.CONTRIBUTOR, amount));
              fee = fee.add(amount);
            }
            fees = fees.add(fee);
            long time = epoch * HOUR_MS + (i + 1) * (HOUR_MS / (perEpoch + 1));
            AttributedReward r =
                new AttributedReward(
                    "ev-" + epoch + "-" + i,
                    time,
                    epoch,
                    "base",
                    "adapter",
                    recipients.get(0),
                    recipients.get(1),
                    fee,
                    true,
                    payouts);
            producer.send(
                new ProducerRecord<>("rewards.attributed", AttributedRewardJson.encode(r)));
            events++;
          }
        }
        producer.flush();
      }
      fx.token(PayableFixture.DEPLOYER).approve(fx.deployment().rewardDistributor(), fees).send();
      fx.distributor(PayableFixture.DEPLOYER).fund(fees).send();

      Configuration config = new Configuration();
      config.set(SettlementOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      config.set(SettlementOptions.STOP_AT_LATEST, true);
      config.set(SettlementOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
      config.set(SettlementOptions.ALLOWED_LATENESS, Duration.ZERO);
      config.set(SettlementOptions.CHAIN_RPC_URL, chain.rpcUrl());
      config.set(SettlementOptions.DEPLOYMENT, dir.resolve("deployment.json").toString());
      config.set(SettlementOptions.SETTLER_KEY, "file:" + dir.resolve("settler.key"));
      config.set(IcebergOptions.WAREHOUSE, warehouse.location());
      StreamExecutionEnvironment env = BenchEnvironments.local(dir, 2);
      SettlementJob.build(env, config);
      long start = System.nanoTime();
      env.execute("settlement-benchmark");
      double seconds = (System.nanoTime() - start) / 1e9;

      StringBuilder report = new StringBuilder();
      report.append(
          String.format(
              "%,d reward records (%,d payouts) to %,d accounts over 3 epochs: job %.1f s at parallelism 2%n",
              events, events * 5, accounts, seconds));
      report.append("| epoch | accounts in tree | postRoot gas |\n|---:|---:|---:|\n");
      var table = warehouse.catalog().loadTable(SettlementTables.SETTLEMENTS);
      TreeMap<Long, Record> settlements = new TreeMap<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
        rows.forEach(r -> settlements.put((Long) r.getField("epoch"), r.copy()));
      }
      for (Map.Entry<Long, Record> s : settlements.entrySet()) {
        report.append(
            String.format(
                "| %d | %,d | %,d |%n",
                s.getKey(), s.getValue().getField("accounts"), s.getValue().getField("gas_used")));
      }

      long last = settlements.lastKey();
      chain.advance(
          ProtocolParameters.read(fx.params(PayableFixture.DEPLOYER)).activationDelaySeconds());
      RewardDistributor claimer = fx.distributor(7);
      BigInteger rootIndex = claimer.activeRootIndex().send().component2();
      var rewards = warehouse.catalog().loadTable(SettlementTables.EPOCH_REWARDS);
      List<Long> gas = new ArrayList<>();
      int proofLength = 0;
      try (CloseableIterable<Record> rows =
          IcebergGenerics.read(rewards).where(Expressions.equal("epoch", last)).build()) {
        for (Record r : rows) {
          if (gas.size() == claims) {
            break;
          }
          @SuppressWarnings("unchecked")
          List<String> proof = (List<String>) r.getField("proof");
          proofLength = proof.size();
          TransactionReceipt receipt =
              claimer
                  .claim(
                      rootIndex,
                      (String) r.getField("account"),
                      ((BigDecimal) r.getField("cumulative_wei")).toBigIntegerExact(),
                      proof.stream().map(Numeric::hexStringToByteArray).toList())
                  .send();
          gas.add(receipt.getGasUsed().longValueExact());
        }
      }
      report.append(
          String.format(
              "first claims against the epoch %d root (proof length %d): mean %,d gas, min %,d, max %,d over %d claims%n",
              last,
              proofLength,
              Math.round(gas.stream().mapToLong(Long::longValue).average().orElse(0)),
              gas.stream().mapToLong(Long::longValue).min().orElse(0),
              gas.stream().mapToLong(Long::longValue).max().orElse(0),
              gas.size()));
      System.out.print(report);
      web3j.shutdown();
    } finally {
      FileUtils.deleteDirectoryQuietly(dir.toFile());
    }
  }

  private SettlementGasBenchmark() {}
}
