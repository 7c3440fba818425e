package io.payable.jobs.bench;

import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.ingest.submission.ParseOutcome;
import io.payable.ingest.submission.SubmissionParser;
import io.payable.ingest.submission.SubmissionSigner;
import io.payable.ingest.submission.SubmissionWriter;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.ingest.IngestJob;
import io.payable.jobs.ingest.IngestOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;

/**
 * Ingest throughput, end to end: signed submissions of a given size go through the ingest job at
 * parallelism 1 (Kafka source, parsing, EIP-712 signature recovery, nonce and content checks, shard
 * building, Iceberg and Kafka sinks) on a local MiniCluster, beside the raw single-thread rate of
 * parsing plus signature recovery alone. A benchmark, not a test: run it with
 *
 * <pre>
 * ./mvnw -B -q -pl jobs -am install -DskipTests
 * ./mvnw -B -q -pl jobs -Pbench-ingest exec:exec [-Dbench.args="20000 1024 2000 16384"]
 * </pre>
 *
 * Arguments are pairs of (submissions, content bytes).
 */
public final class IngestBenchmark {

  private static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  private static final Eip712Domain DOMAIN = Eip712Domain.payableDatanets(31337, REGISTRY);
  private static final String DATANET = "0x" + "aa".repeat(32);

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    String[] pairs = args.length > 0 ? args : new String[] {"20000", "1024", "2000", "16384"};
    List<String> report = new ArrayList<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      report.add(run(Integer.parseInt(pairs[i]), Integer.parseInt(pairs[i + 1])));
    }
    report.forEach(System.out::println);
    System.exit(0);
  }

  private static String run(int count, int contentBytes) throws Exception {
    List<byte[]> records = submissions(count, contentBytes);
    long totalBytes = records.stream().mapToLong(r -> r.length).sum();

    // The library alone: parse and recover every signer on one thread.
    SubmissionParser parser = new SubmissionParser(SubmissionParser.DEFAULT_MAX_BYTES);
    long rawStart = System.nanoTime();
    int recovered = 0;
    for (byte[] r : records) {
      if (parser.parse(r) instanceof ParseOutcome.Parsed p) {
        var s = p.submission();
        Contribution c = new Contribution(s.datanetId(), s.contentHash(), s.nonce(), s.timestamp());
        if (ContributionSignatures.recover(
                DOMAIN, c, "0x" + HexFormat.of().formatHex(s.signature()))
            .isPresent()) {
          recovered++;
        }
      }
    }
    double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
    if (recovered != count) {
      throw new IllegalStateException("only " + recovered + " of " + count + " recovered");
    }

    Path dir = Files.createTempDirectory("ingest-bench-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"))) {
      kafka.createTopics(1, "datanet.submissions", "datanet.rejections", "index.manifest");
      Properties props = kafka.clientProperties();
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000");
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
        for (byte[] r : records) {
          producer.send(new ProducerRecord<>("datanet.submissions", r));
        }
        producer.flush();
      }
      Configuration config = new Configuration();
      config.set(IngestOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      config.set(IngestOptions.DATANET_REGISTRY, REGISTRY);
      config.set(IngestOptions.DATANETS, Map.of(DATANET, "OPEN"));
      config.set(IngestOptions.STOP_AT_LATEST, true);
      config.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
      config.set(IngestOptions.INDEX_STORE, dir.resolve("index").toUri().toString());
      config.set(IcebergOptions.WAREHOUSE, warehouse.location());
      StreamExecutionEnvironment env = BenchEnvironments.local(dir, 1);
      IngestJob.build(env, config);
      long start = System.nanoTime();
      env.execute("ingest-benchmark");
      double seconds = (System.nanoTime() - start) / 1e9;
      return String.format(
          "%,d submissions of %,d B content: job %.0f/s (%.1f MB/s) at parallelism 1 in %.1f s;"
              + " parse+recover alone %.0f/s on one thread; job/raw = %.2f",
          count,
          contentBytes,
          count / seconds,
          totalBytes / seconds / 1e6,
          seconds,
          count / rawSeconds,
          (count / seconds) / (count / rawSeconds));
    }
  }

  private static List<byte[]> submissions(int count, int contentBytes) {
    Random random = new Random(42);
    List<Credentials> keys = new ArrayList<>();
    for (int k = 0; k < 16; k++) {
      keys.add(Credentials.create(ECKeyPair.create(BigInteger.valueOf(7_000 + k))));
    }
    String[] words = {"whale", "sea", "ship", "harpoon", "captain", "voyage", "storm", "deck"};
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder text = new StringBuilder(contentBytes + 16).append("Submission ").append(i);
      while (text.length() < contentBytes) {
        text.append(' ').append(words[random.nextInt(words.length)]).append(random.nextInt(1000));
      }
      text.setLength(contentBytes);
      String content = text.toString();
      Credentials who = keys.get(i % keys.size());
      BigInteger nonce = BigInteger.valueOf(i + 1);
      long timestamp = 1_800_000_000L + i;
      out.add(
          SubmissionWriter.toJson(
              SubmissionSigner.sign(
                  DOMAIN,
                  who,
                  HexFormat.of().parseHex(DATANET.substring(2)),
                  nonce,
                  timestamp,
                  content,
                  Optional.empty())));
    }
    return out;
  }
}
