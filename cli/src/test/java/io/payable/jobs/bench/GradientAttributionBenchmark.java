package io.payable.jobs.bench;

import io.payable.attribution.gradient.InfluenceScoring;
import io.payable.attribution.gradient.InfluenceStoreEvent;
import io.payable.attribution.sink.AttributionTables;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.jobs.attribution.AttributionJob;
import io.payable.jobs.attribution.AttributionOptions;
import io.payable.jobs.common.IcebergOptions;
import io.payable.loadgen.InferenceEvents;
import io.payable.models.Projection;
import io.payable.models.influence.Bfloat16;
import io.payable.models.influence.ExampleProvenance;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.influence.SketchLayout;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import io.payable.wire.inference.QuerySketch;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
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
 * Attribution v2 throughput, end to end: events of a {@code gradient} adapter carrying query
 * sketches go through the attribution job at parallelism 1 on a local MiniCluster with the
 * in-process broker, beside the library's raw rate ({@link InfluenceScoring#score}: precondition,
 * score every training example, aggregate per contributor, top examples; one thread, micro-batches
 * of the job's default size) on the same store and sketches. The store has the layout of a 1B Llama
 * with r 16 on all seven projections (dimension 2,016), random sketches and 64 contributors. A
 * benchmark, not a test:
 *
 * <pre>
 * ./mvnw -B -q -pl cli -am install -DskipTests
 * ./mvnw -B -q -pl cli -Pbench-attribution-gradient exec:exec [-Dbench.args="100000 640"]
 * </pre>
 *
 * Arguments: training examples in the store, events.
 */
public final class GradientAttributionBenchmark {

  private static final String DATANET = "0x" + "d2".repeat(32);
  private static final String ADAPTER = "bench-gradient";
  private static final ECKeyPair WORKER = ECKeyPair.create(BigInteger.valueOf(0xbe7c5));
  private static final int BATCH = 32;

  private GradientAttributionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int examples = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 640;
    Path dir = Files.createTempDirectory("gradient-bench-");

    List<SketchLayout.Adapted> adapted = new ArrayList<>();
    for (int l = 0; l < 16; l++) {
      for (Projection p : Projection.values()) {
        adapted.add(new SketchLayout.Adapted(l, p, 16, 2048, 2048));
      }
    }
    SketchLayout layout = SketchLayout.defaults(adapted, 2048);
    int k = layout.dimension();
    SplittableRandom random = new SplittableRandom(11);
    long t0 = System.nanoTime();
    Path storeFile = dir.resolve("influence-store.bin");
    List<float[]> queries = new ArrayList<>();
    {
      List<float[]> sketches = new ArrayList<>(examples);
      List<ExampleProvenance> provenance = new ArrayList<>(examples);
      for (int n = 0; n < examples; n++) {
        float[] s = new float[k];
        for (int j = 0; j < k; j++) {
          s[j] = (float) (random.nextDouble() - 0.5);
        }
        sketches.add(s);
        provenance.add(
            new ExampleProvenance(
                List.of(
                    new ExampleProvenance.Piece(
                        String.format("0x%064x", n), String.format("0x%040x", n % 64), 1023))));
      }
      // Outputs that resemble training examples: an example's sketch plus as much noise.
      for (int i = 0; i < events; i++) {
        float[] base = sketches.get(random.nextInt(examples));
        float[] q = new float[k];
        for (int j = 0; j < k; j++) {
          q[j] = base[j] + (float) (random.nextDouble() - 0.5);
        }
        queries.add(q);
      }
      InfluenceStore.write(storeFile, layout, new byte[32], 0.1, sketches, provenance);
    }
    System.out.printf(
        "store: %,d examples, dimension %d, %,d bytes, written in %.0f s%n",
        examples, k, Files.size(storeFile), (System.nanoTime() - t0) / 1e9);
    List<InferenceEvent> measured = new ArrayList<>();
    List<InferenceEvent> warmUp = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      warmUp.add(event("w" + i, queries.get(i)));
      measured.add(event("t" + i, queries.get(i)));
    }

    // The library alone, one thread: what the gradient scorer does per batch, on decoded sketches.
    InfluenceScoring scoring = new InfluenceScoring(InfluenceStore.open(storeFile));
    List<InfluenceScoring.Query> all = new ArrayList<>();
    for (float[] q : queries) {
      all.add(new InfluenceScoring.Query(bf16(q), null, false));
    }
    for (int from = 0; from < Math.min(events, 4 * BATCH); from += BATCH) { // warm-up
      scoring.score(all.subList(from, Math.min(events, from + BATCH)));
    }
    long threadCpu0 = threadCpu();
    long rawCpu0 = cpu();
    long start = System.nanoTime();
    for (int from = 0; from < events; from += BATCH) {
      scoring.score(all.subList(from, Math.min(events, from + BATCH)));
    }
    double rawSeconds = (System.nanoTime() - start) / 1e9;
    // Process CPU time, as for the job (it includes the collector and the JIT); the scoring
    // thread's own beside it.
    double rawCpu = (cpu() - rawCpu0) / 1e9;
    double rawThreadCpu = (threadCpu() - threadCpu0) / 1e9;
    System.out.printf(
        "library, 1 thread: %,d events in %.1f s = %.1f events/s (%.1f per CPU-second of the"
            + " process, %.1f ms of CPU per event; the scoring thread alone %.1f ms)%n",
        events,
        rawSeconds,
        events / rawSeconds,
        events / rawCpu,
        rawCpu * 1000 / events,
        rawThreadCpu * 1000 / events);
    scoring = null;

    String sha256 = sha256(storeFile);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        LocalIcebergWarehouse warehouse = LocalIcebergWarehouse.open(dir.resolve("warehouse"))) {
      for (String prefix : List.of("w.", "t.")) {
        kafka.createTopics(
            1,
            prefix + "inference.events",
            prefix + "inference.rejections",
            prefix + "rewards.attributed",
            prefix + "index.manifest",
            prefix + "influence.manifest");
      }
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        InfluenceStoreEvent store =
            new InfluenceStoreEvent(
                ADAPTER,
                storeFile.toString(),
                sha256,
                dir.resolve("adapter").toString(),
                dir.resolve("base").toString());
        for (String prefix : List.of("w.", "t.")) {
          producer.send(new ProducerRecord<>(prefix + "influence.manifest", store.toJson()));
        }
        // A backlog of events, 10 to a signed record, read to the end; first a warm-up run over
        // the same sketches (JIT), then the measured one.
        for (var run : List.of(Map.entry("w.", warmUp), Map.entry("t.", measured))) {
          for (int i = 0; i < events; i += 10) {
            producer.send(
                new ProducerRecord<>(
                    run.getKey() + "inference.events",
                    InferenceEventEnvelope.sign(
                        run.getValue().subList(i, Math.min(events, i + 10)), WORKER)));
          }
        }
        producer.flush();
      }
      // The process idle with the broker up: CPU that the job's figures include at any rate.
      System.gc();
      long idleCpu0 = cpu();
      long idleStart = System.nanoTime();
      Thread.sleep(10_000);
      double idleCores = (cpu() - idleCpu0) / (double) (System.nanoTime() - idleStart);
      System.out.printf("idle process with the broker: %.3f cores busy%n", idleCores);
      Configuration warm = config(kafka, warehouse, dir, "w.");
      StreamExecutionEnvironment warmEnv = BenchEnvironments.local(dir, 1);
      AttributionJob.build(warmEnv, warm);
      warmEnv.execute("gradient-attribution-warm-up");

      Configuration config = config(kafka, warehouse, dir, "t.");
      StreamExecutionEnvironment env = BenchEnvironments.local(dir, 1);
      AttributionJob.build(env, config);
      long cpu0 = cpu();
      long begin = System.nanoTime();
      // Process CPU time sampled every 50 ms, to take the steady part of the run apart from
      // start-up (opening and hashing the store) and the final checkpoint.
      ConcurrentSkipListMap<Long, Long> cpuAt = new ConcurrentSkipListMap<>();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> cpuAt.put(System.currentTimeMillis(), cpu()), 0, 50, TimeUnit.MILLISECONDS);
      env.execute("gradient-attribution-benchmark");
      sampler.shutdownNow();
      double jobSeconds = (System.nanoTime() - begin) / 1e9;
      double jobCpu = (cpu() - cpu0) / 1e9;
      Map<String, Long> attributedAt = new HashMap<>();
      Map<String, String> method = new HashMap<>();
      try (CloseableIterable<Record> rows =
          IcebergGenerics.read(warehouse.catalog().loadTable(AttributionTables.ATTRIBUTIONS))
              .build()) {
        for (Record r : rows) {
          String id = (String) r.getField("event_id");
          if (id.startsWith("t")) {
            attributedAt.put(id, millis(r.getField("attributed_at")));
            method.put(id, (String) r.getField("method"));
          }
        }
      }
      if (attributedAt.size() != events || !method.values().stream().allMatch("gradient"::equals)) {
        throw new IllegalStateException(
            attributedAt.size()
                + " of "
                + events
                + " events attributed, methods "
                + method.values().stream().distinct().toList());
      }
      long[] times = attributedAt.values().stream().mapToLong(Long::longValue).sorted().toArray();
      // The steady part: from the attribution of the event at 10% (after the store is open) to the
      // last; batches of 32 make attributed_at a step function, so whole batches count.
      int from = times.length / 10;
      long first = times[from];
      long last = times[times.length - 1];
      int steadyEvents = times.length - 1 - from;
      double steadyCpu =
          (cpuAt.floorEntry(last).getValue() - cpuAt.floorEntry(first).getValue()) / 1e9;
      double perCpuSecond = steadyEvents / steadyCpu;
      System.out.printf(
          "job, parallelism 1: %,d events in %.1f s = %.1f events/s (%.1f per CPU-second)"
              + " including start-up and the last checkpoint; steady (the last 90%% of"
              + " attributions): %.1f events/s, %.1f per CPU-second (%.2f cores busy)%n",
          events,
          jobSeconds,
          events / jobSeconds,
          events / jobCpu,
          steadyEvents * 1000.0 / Math.max(1, last - first),
          perCpuSecond,
          steadyCpu * 1000.0 / Math.max(1, last - first));
      double steadySeconds = Math.max(1, last - first) / 1000.0;
      System.out.printf(
          "job per core / library per core: %.2f; without the idle process's CPU (%.1f ms per"
              + " event): %.2f%n",
          perCpuSecond / (events / rawCpu),
          idleCores * steadySeconds * 1000 / steadyEvents,
          (steadyEvents / Math.max(1e-9, steadyCpu - idleCores * steadySeconds))
              / (events / rawCpu));
    }
    System.exit(0);
  }

  private static float[] bf16(float[] q) {
    float[] out = new float[q.length];
    for (int j = 0; j < q.length; j++) {
      out[j] = Bfloat16.decode(Bfloat16.encode(q[j]));
    }
    return out;
  }

  private static InferenceEvent event(String id, float[] sketch) {
    short[] bits = new short[sketch.length];
    for (int j = 0; j < bits.length; j++) {
      bits[j] = Bfloat16.encode(sketch[j]);
    }
    return InferenceEvents.of(
            id,
            InferenceEventEnvelope.address(WORKER),
            "tiny-base",
            ADAPTER,
            "0xcc",
            BigInteger.valueOf(1_000_000_007L),
            "an output of the adapter",
            Instant.now())
        .withQuerySketch(QuerySketch.ofBits(bits, new int[] {1, 2, 3, 4}));
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static long millis(Object timestamp) {
    return ((java.time.OffsetDateTime) timestamp).toInstant().toEpochMilli();
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long threadCpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "8388608");
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
    config.set(AttributionOptions.INFLUENCE_MANIFEST_TOPIC, prefix + "influence.manifest");
    config.set(AttributionOptions.GROUP_ID, prefix + "attribution");
    config.set(AttributionOptions.TRANSACTIONAL_ID_PREFIX, prefix + "attribution");
    config.set(AttributionOptions.PROTOCOL_TREASURY, "0x" + "9f".repeat(20));
    config.set(
        AttributionOptions.WORKERS,
        Map.of(InferenceEventEnvelope.address(WORKER), "0x" + "0b".repeat(20)));
    config.set(
        AttributionOptions.ADAPTERS,
        List.of(ADAPTER + "|0x" + "0e".repeat(20) + "|" + DATANET + "|gradient"));
    config.set(AttributionOptions.DATANET_TREASURIES, Map.of(DATANET, "0x" + "7e".repeat(20)));
    // No audits: recomputing a sketch needs the adapter's base model (a forward and backward pass
    // per audited event, measured with the quality benchmark); the chain's default is 1%.
    config.set(AttributionOptions.SKETCH_AUDIT_BPS, 0);
    config.set(AttributionOptions.STOP_AT_LATEST, true);
    config.set(AttributionOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10));
    config.set(AttributionOptions.INDEX_CACHE_DIR, dir.resolve("cache").toString());
    config.set(IcebergOptions.WAREHOUSE, warehouse.location());
    return config;
  }
}
