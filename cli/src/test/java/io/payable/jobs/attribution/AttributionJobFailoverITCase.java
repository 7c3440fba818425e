package io.payable.jobs.attribution;

import static io.payable.jobs.attribution.AttributionFixtures.ADAPTER;
import static io.payable.jobs.attribution.AttributionFixtures.D1;
import static io.payable.jobs.attribution.AttributionFixtures.documents;
import static io.payable.jobs.attribution.AttributionFixtures.event;
import static io.payable.jobs.attribution.AttributionFixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.payable.attribution.sink.AttributionTables;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.jobs.testing.FlinkFailoverTestBase;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.IndexedDocument;
import io.payable.loadgen.PlantedOutputs;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a failure: the task manager running the attribution job is killed while
 * events keep arriving; the job restarts from its last checkpoint, and in the end every event is
 * attributed exactly once in the table and on {@code rewards.attributed} (read_committed), with the
 * same total paid as fees charged.
 */
class AttributionJobFailoverITCase extends FlinkFailoverTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  @Test
  void aTaskManagerKilledMidStreamLosesAndDuplicatesNothing(
      @InjectMiniCluster MiniCluster cluster,
      @TempDir Path store,
      @TempDir Path cache,
      @TempDir Path savepoints)
      throws Exception {
    String prefix = "failover.";
    KAFKA.createTopics(2, prefix + "inference.events");
    KAFKA.createTopics(
        1,
        prefix + "inference.rejections",
        prefix + "rewards.attributed",
        prefix + "index.manifest");
    Random random = new Random(3);
    List<IndexedDocument> docs = documents(random, D1, 0, 4);
    PlatformIo.produce(
        KAFKA.kafka(),
        prefix + "index.manifest",
        List.of(AttributionFixtures.shard(store, D1, 1, docs).toJson()));

    Configuration config =
        AttributionJobITCase.config(
            KAFKA.bootstrapServers(), WAREHOUSE.warehouse().location(), prefix, cache);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    AttributionJob.build(env, config);
    JobClient job = env.executeAsync("attribution-failover");

    PlantedOutputs outputs = new PlantedOutputs(docs, 9, 0.8, 30);
    Map<String, BigInteger> fees = new HashMap<>();
    int batches = 20;
    int garbage = 0;
    try (KafkaProducer<byte[], byte[]> producer = PlatformIo.producer(KAFKA.kafka())) {
      for (int b = 0; b < batches; b++) {
        List<InferenceEvent> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
          InferenceEvent e =
              event(
                  "ev-" + b + "-" + i,
                  ADAPTER,
                  outputs.next(80).text(),
                  BigInteger.valueOf(1_000_003L * (b + 1)));
          batch.add(e);
          fees.put(e.eventId(), e.feeWei());
        }
        producer.send(new ProducerRecord<>(prefix + "inference.events", signed(batch)));
        producer.send(
            new ProducerRecord<>(
                prefix + "inference.events",
                ("garbage " + b).repeat(10).getBytes(StandardCharsets.UTF_8)));
        garbage++;
        producer.flush();
        if (b == batches / 2) {
          PlatformIo.awaitRows(WAREHOUSE.warehouse(), AttributionTables.ATTRIBUTIONS, 1);
          cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
          cluster.startTaskManager();
        }
        Thread.sleep(100);
      }
    }

    awaitEvents(fees.size());
    PlatformIo.awaitRows(WAREHOUSE.warehouse(), AttributionTables.REJECTIONS, garbage);
    job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(60, TimeUnit.SECONDS);
    assertThat(cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo())
        .as("the job really failed and recovered")
        .isNotNull();

    List<Record> rows = PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.ATTRIBUTIONS);
    Map<String, BigDecimal> paid =
        rows.stream()
            .collect(
                Collectors.toMap(
                    r -> (String) r.getField("event_id"),
                    r -> (BigDecimal) r.getField("amount_wei"),
                    BigDecimal::add));
    assertThat(paid.keySet()).isEqualTo(fees.keySet());
    paid.forEach(
        (id, amount) -> assertThat(amount).isEqualByComparingTo(new BigDecimal(fees.get(id))));

    List<JsonNode> rewards =
        PlatformIo.consume(KAFKA.kafka(), prefix + "rewards.attributed", fees.size());
    assertThat(rewards).hasSize(fees.size());
    assertThat(rewards.stream().map(n -> n.get("event_id").asText()).distinct())
        .hasSize(fees.size());
    assertThat(PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.REJECTIONS))
        .hasSize(garbage);
    assertThat(PlatformIo.consume(KAFKA.kafka(), prefix + "inference.rejections", garbage))
        .hasSize(garbage);
  }

  private static void awaitEvents(int events) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      long distinct =
          PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.ATTRIBUTIONS).stream()
              .map(r -> r.getField("event_id"))
              .distinct()
              .count();
      if (distinct >= events) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("not every event attributed in 90 s");
  }
}
