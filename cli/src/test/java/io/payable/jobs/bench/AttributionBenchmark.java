package io.payable.jobs.bench;

import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.sink.AttributionTables;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.split.FeeSplitter;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.attribution.trace.EventAttributor;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.index.query.ShardedIndex;
import io.payable.index.scoring.AttributionScorer;
import io.payable.index.shard.Shard;
import io.payable.index.shard.ShardManifest;
import io.payable.index.shard.ShardWriter;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import io.payable.index.tombstone.Tombstones;
import io.payable.ingest.shard.ShardId;
import io.payable.ingest.shard.ShardManifestEvent;
import io.payable.jobs.attribution.AttributionJob;
import io.payable.jobs.attribution.AttributionOptions;
import io.payable.jobs.common.IcebergOptions;
import io.payable.loadgen.InferenceEvents;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.web3j.crypto.ECKeyPair;

/**
 * Attribution throughput and latency, end to end: 256-token outputs that reproduce passages of a
 * synthetic o200k index (with a changed token every ~24 tokens) go through the attribution job at
 * parallelism 1 on a local MiniCluster with the in-process broker, beside the library's raw rate
 * (maximal spans, scores and the exact split, one thread) on the same index and texts. A benchmark,
 * not a test:
 *
 * <pre>
 * ./mvnw -B -q -pl cli -am install -DskipTests
 * ./mvnw -B -q -pl cli -Pbench-attribution exec:exec [-Dbench.args="100000000 2000 20 30"]
 * </pre>
 *
 * Arguments: index symbols, events for the throughput run, events/s and seconds of the latency run.
 */
public final class AttributionBenchmark {

  private static final String DATANET = "0x" + "d1".repeat(32);
  private static final String ADAPTER = "bench";
  private static final ECKeyPair WORKER = ECKeyPair.create(BigInteger.valueOf(0xbe7c4));
  private static final int SHARDS = 4;
  private static final int VOCABULARY = 199_997;

  private AttributionBenchmark() {}

  public static void main(String[] args) throws Exception {
    long symbols = args.length > 0 ? Long.parseLong(args[0]) : 100_000_000L;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    Path dir = Files.createTempDirectory("attribution-bench-");
    Tokenizer tokenizer = Tokenizers.byId("o200k_base");

    long t0 = System.nanoTime();
    List<int[]> samples = new ArrayList<>();
    List<ShardManifestEvent> manifest = buildIndex(dir.resolve("index"), symbols, samples);
    System.out.printf(
        "index: %,d symbols in %d shards, built in %.0f s%n",
        symbols, SHARDS, (System.nanoTime() - t0) / 1e9);
    Random random = new Random(5);
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      outputs.add(output(tokenizer, samples, random));
    }

    // The library alone, one thread: the same work the job's operators do per event.
    List<Shard> shards = new ArrayList<>();
    for (ShardManifestEvent e : manifest) {
      shards.add(Shard.open(Path.of(java.net.URI.create(e.path()))));
    }
    AttributionParams params = params();
    AdapterInfo adapter =
        new AdapterInfo(ADAPTER, "0x" + "0e".repeat(20), List.of(DATANET), Map.of());
    EventAttributor attributor =
        new EventAttributor(
            params.spanParams(),
            new AttributionScorer(params.thresholdBps()),
            new FeeSplitter(params.feeSplit(), "0x" + "9f".repeat(20)),
            params.epochLengthMillis());
    int spans = 0;
    try (ShardedIndex index = ShardedIndex.sequential(shards, tokenizer, Tombstones.none())) {
      for (int i = 0; i < Math.min(200, events); i++) { // warm-up
        attributor.attribute(event("w" + i, outputs.get(i)), "0xop", adapter, index, d -> 1);
      }
      long cpu0 = cpu();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        spans +=
            attributor
                .attribute(event("r" + i, outputs.get(i)), "0xop", adapter, index, d -> 1)
                .spans()
                .size();
      }
      double rawSeconds = (System.nanoTime() - start) / 1e9;
      double rawCpu = (cpu() - cpu0) / 1e9;
      System.out.printf(
          "library, 1 thread: %,d events in %.1f s = %.1f events/s (%.1f per CPU-second),"
              + " %.1f spans per event%n",
          events, rawSeconds, events / rawSeconds, events / rawCpu, (double) spans / events);
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"))) {
      for (String prefix : List.of("w.", "t.", "l.")) {
        kafka.createTopics(
            1,
            prefix + "inference.events",
            prefix + "inference.rejections",
            prefix + "rewards.attributed",
            prefix + "index.manifest");
      }
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        for (String prefix : List.of("w.", "t.", "l.")) {
          for (ShardManifestEvent e : manifest) {
            producer.send(new ProducerRecord<>(prefix + "index.manifest", e.toJson()));
          }
        }
        // Throughput: a backlog of events, 10 to a signed record, read to the end; first a
        // warm-up run over the same events (JIT), then the measured one.
        for (String prefix : List.of("w", "t")) {
          for (int i = 0; i < events; i += 10) {
            List<InferenceEvent> batch = new ArrayList<>();
            for (int k = i; k < Math.min(events, i + 10); k++) {
              batch.add(event(prefix + k, outputs.get(k)));
            }
            producer.send(
                new ProducerRecord<>(
                    prefix + ".inference.events", InferenceEventEnvelope.sign(batch, WORKER)));
          }
        }
        producer.flush();
      }
      Configuration warmUp = config(kafka, warehouse, dir, "w.");
      warmUp.set(AttributionOptions.STOP_AT_LATEST, true);
      StreamExecutionEnvironment warmUpEnv = BenchEnvironments.local(dir, 1);
      AttributionJob.build(warmUpEnv, warmUp);
      warmUpEnv.execute("attribution-warm-up");
      Configuration config = config(kafka, warehouse, dir, "t.");
      config.set(AttributionOptions.STOP_AT_LATEST, true);
      StreamExecutionEnvironment env = BenchEnvironments.local(dir, 1);
      AttributionJob.build(env, config);
      long cpu0 = cpu();
      long start = System.nanoTime();
      // Process CPU time sampled every 50 ms, to take the steady part of the run apart from
      // start-up and the final checkpoint.
      java.util.concurrent.ConcurrentSkipListMap<Long, Long> cpuAt =
          new java.util.concurrent.ConcurrentSkipListMap<>();
      java.util.concurrent.ScheduledExecutorService sampler =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> cpuAt.put(System.currentTimeMillis(), cpu()),
          0,
          50,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      env.execute("attribution-benchmark");
      sampler.shutdownNow();
      double jobSeconds = (System.nanoTime() - start) / 1e9;
      double jobCpu = (cpu() - cpu0) / 1e9;
      // The steady part: from the attribution of the event at 10% (JIT warm-up done) to the last.
      Map<String, Long> attributedAt = new HashMap<>();
      try (CloseableIterable<Record> rows =
          IcebergGenerics.read(warehouse.catalog().loadTable(AttributionTables.ATTRIBUTIONS))
              .build()) {
        for (Record r : rows) {
          String id = (String) r.getField("event_id");
          if (id.startsWith("t")) {
            attributedAt.put(id, millis(r.getField("attributed_at")));
          }
        }
      }
      long[] times = attributedAt.values().stream().mapToLong(Long::longValue).sorted().toArray();
      int from = times.length / 10;
      long first = times[from];
      long last = times[times.length - 1];
      int steadyEvents = times.length - 1 - from;
      double steadyCpu =
          (cpuAt.floorEntry(last).getValue() - cpuAt.floorEntry(first).getValue()) / 1e9;
      System.out.printf(
          "job, parallelism 1: %,d events in %.1f s = %.1f events/s (%.1f per CPU-second)"
              + " including start-up and the last checkpoint; steady (the last 90%% of"
              + " attributions): %.1f events/s, %.1f per CPU-second (%.2f cores busy)%n",
          events,
          jobSeconds,
          events / jobSeconds,
          events / jobCpu,
          steadyEvents * 1000.0 / Math.max(1, last - first),
          steadyEvents / steadyCpu,
          steadyCpu * 1000.0 / Math.max(1, last - first));

      // Latency: events at a steady rate, one to a record, done time = send time.
      Configuration live = config(kafka, warehouse, dir, "l.");
      StreamExecutionEnvironment liveEnv = BenchEnvironments.local(dir, 1);
      AttributionJob.build(liveEnv, live);
      JobClient job = liveEnv.executeAsync("attribution-latency");
      Thread.sleep(5_000); // let the job start and open its shards
      int sent = 0;
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        long begin = System.nanoTime();
        for (int i = 0; i < rate * seconds; i++) {
          long due = begin + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
          }
          InferenceEvent e =
              InferenceEvents.of(
                  "l" + i,
                  InferenceEventEnvelope.address(WORKER),
                  "tiny-base",
                  ADAPTER,
                  "0xcc",
                  BigInteger.valueOf(1_000_000_007L),
                  outputs.get(i % outputs.size()),
                  Instant.now());
          producer.send(
              new ProducerRecord<>(
                  "l.inference.events", InferenceEventEnvelope.sign(List.of(e), WORKER)));
          sent++;
        }
        producer.flush();
      }
      Map<String, Long> latency = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (latency.size() < sent && System.nanoTime() < deadline) {
        Thread.sleep(1_000);
        latency.clear();
        try (CloseableIterable<Record> rows =
            IcebergGenerics.read(warehouse.catalog().loadTable(AttributionTables.ATTRIBUTIONS))
                .build()) {
          for (Record r : rows) {
            long eventTime = millis(r.getField("event_time"));
            long at = millis(r.getField("attributed_at"));
            latency.put((String) r.getField("event_id"), at - eventTime);
          }
        }
        latency.keySet().removeIf(id -> !id.startsWith("l"));
      }
      job.cancel().get();
      long[] sorted = latency.values().stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf(
          "latency at %d events/s for %d s (%d events): p50 %d ms, p99 %d ms, max %d ms"
              + " (done time to attribution record)%n",
          rate,
          seconds,
          sorted.length,
          percentile(sorted, 0.50),
          percentile(sorted, 0.99),
          sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
    }
    System.exit(0);
  }

  private static long millis(Object timestamp) {
    return ((java.time.OffsetDateTime) timestamp).toInstant().toEpochMilli();
  }

  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0 ? -1 : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)];
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static AttributionParams params() {
    return new AttributionParams(
        new FeeSplitParams(7_000, 1_500, 1_000, 500), 100, 8, 1_000, 3_600_000);
  }

  private static InferenceEvent event(String id, String output) {
    return InferenceEvents.of(
        id,
        InferenceEventEnvelope.address(WORKER),
        "tiny-base",
        ADAPTER,
        "0xcc",
        BigInteger.valueOf(1_000_000_007L),
        output,
        Instant.now());
  }

  /** 256 tokens of an indexed document with a token changed every ~24 tokens, as text. */
  private static String output(Tokenizer tokenizer, List<int[]> samples, Random random) {
    int[] doc = samples.get(random.nextInt(samples.size()));
    int from = random.nextInt(doc.length - 256);
    int[] out = Arrays.copyOfRange(doc, from, from + 256);
    for (int k = 0; k < out.length; k++) {
      if (random.nextInt(24) == 0) {
        out[k] = random.nextInt(VOCABULARY);
      }
    }
    return tokenizer.decode(out);
  }

  /**
   * Zipf(1.1) draws over the o200k vocabulary in documents of ~2,000 tokens, 1% of positions
   * starting a copy of an earlier passage, written as {@link #SHARDS} shards of one Datanet.
   */
  private static List<ShardManifestEvent> buildIndex(
      Path store, long symbols, List<int[]> samples) {
    double[] cdf = new double[VOCABULARY];
    double sum = 0;
    for (int i = 0; i < VOCABULARY; i++) {
      sum += 1 / Math.pow(i + 1, 1.1);
      cdf[i] = sum;
    }
    Random random = new Random(7);
    List<ShardManifestEvent> events = new ArrayList<>();
    long perShard = symbols / SHARDS;
    int doc = 0;
    for (int s = 0; s < SHARDS; s++) {
      ShardWriter writer = new ShardWriter(Tokenizers.byId("o200k_base"));
      long written = 0;
      int[] previous = null;
      while (written < perShard) {
        int[] tokens = new int[1_500 + random.nextInt(1_000)];
        for (int k = 0; k < tokens.length; k++) {
          if (previous != null && random.nextInt(100) == 0) {
            int length = Math.min(16 + random.nextInt(497), tokens.length - k);
            int at = random.nextInt(Math.max(1, previous.length - length));
            System.arraycopy(previous, at, tokens, k, Math.min(length, previous.length - at));
            k += length - 1;
          } else {
            int r = Arrays.binarySearch(cdf, random.nextDouble() * sum);
            tokens[k] = Math.min(VOCABULARY - 1, r < 0 ? -r - 1 : r);
          }
        }
        writer.addTokens("doc" + doc, DATANET, String.format("0x%040x", doc % 997), tokens, "-");
        if (random.nextInt(200) == 0) {
          samples.add(tokens);
        }
        previous = tokens;
        written += tokens.length + 1;
        doc++;
      }
      long sequence = s + 1;
      Path shardDir = store.resolve(DATANET).resolve(ShardId.directoryName(sequence));
      ShardManifest m = writer.write(shardDir);
      events.add(
          new ShardManifestEvent(
              ShardManifestEvent.SEALED,
              DATANET,
              ShardId.of(DATANET, sequence),
              sequence,
              shardDir.toUri().toString(),
              m.documents(),
              m.symbols(),
              "0x" + "00".repeat(32),
              "o200k_base",
              System.currentTimeMillis(),
              List.of()));
    }
    return events;
  }

  private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new KafkaProducer<>(props);
  }

  private static Configuration config(
      EmbeddedKafka kafka, LocalIcebergWarehouse warehouse, Path dir, String prefix) {
    Configuration config = new Configuration();
    config.set(AttributionOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    config.set(AttributionOptions.EVENTS_TOPIC, prefix + "inference.events");
    config.set(AttributionOptions.REJECTIONS_TOPIC, prefix + "inference.rejections");
    config.set(AttributionOptions.REWARDS_TOPIC, prefix + "rewards.attributed");
    config.set(AttributionOptions.MANIFEST_TOPIC, prefix + "index.manifest");
    config.set(AttributionOptions.GROUP_ID, prefix + "attribution");
    config.set(AttributionOptions.TRANSACTIONAL_ID_PREFIX, prefix + "attribution");
    config.set(AttributionOptions.PROTOCOL_TREASURY, "0x" + "9f".repeat(20));
    config.set(
        AttributionOptions.WORKERS,
        Map.of(InferenceEventEnvelope.address(WORKER), "0x" + "0b".repeat(20)));
    config.set(
        AttributionOptions.ADAPTERS, List.of(ADAPTER + "|0x" + "0e".repeat(20) + "|" + DATANET));
    config.set(AttributionOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10));
    config.set(AttributionOptions.INDEX_CACHE_DIR, dir.resolve("cache").toString());
    config.set(IcebergOptions.WAREHOUSE, warehouse.location());
    return config;
  }
}
