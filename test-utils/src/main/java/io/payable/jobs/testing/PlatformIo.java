package io.payable.jobs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test I/O against the embedded platform: produce to topics, read topics and tables back. */
public final class PlatformIo {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PlatformIo() {}

  public static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    return producer(kafka.bootstrapServers());
  }

  /** A byte-array producer for the broker at {@code bootstrap} (in this process or not). */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  public static void produce(EmbeddedKafka kafka, String topic, List<byte[]> values) {
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>(topic, value));
      }
      producer.flush();
    }
  }

  public static List<Record> rows(LocalIcebergWarehouse warehouse, TableIdentifier id)
      throws IOException {
    Table table = warehouse.catalog().loadTable(id);
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> out.add(r.copy()));
    }
    return out;
  }

  /** Waits until {@code table} exists with at least {@code atLeast} rows (commits are async). */
  public static void awaitRows(LocalIcebergWarehouse warehouse, TableIdentifier table, int atLeast)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (warehouse.catalog().tableExists(table) && rows(warehouse, table).size() >= atLeast) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("fewer than " + atLeast + " rows in " + table + " after 90 s");
  }

  /**
   * Committed JSON records of a topic: reads until {@code expected} arrived and then a little
   * longer, so that duplicates would show up too.
   */
  public static List<JsonNode> consume(EmbeddedKafka kafka, String topic, int expected)
      throws IOException {
    return consume(kafka.bootstrapServers(), topic, expected, new HashMap<>());
  }

  /**
   * As above, from the broker at {@code bootstrap}; {@code next} gets the offset after the last
   * record read of each partition.
   */
  public static List<JsonNode> consume(
      String bootstrap, String topic, int expected, Map<TopicPartition, Long> next)
      throws IOException {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic + "-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int quietPolls = 0;
      while (System.nanoTime() < deadline && quietPolls < 3) {
        var polled = consumer.poll(Duration.ofMillis(300));
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          out.add(JSON.readTree(r.value()));
          next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        }
        quietPolls = out.size() >= expected && polled.isEmpty() ? quietPolls + 1 : 0;
      }
    }
    return out;
  }
}
