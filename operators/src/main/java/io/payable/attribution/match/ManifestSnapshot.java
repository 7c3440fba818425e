package io.payable.attribution.match;

import io.payable.ingest.shard.ShardManifestEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the manifest topic from the beginning up to its end offsets at the time of the call
 * (committed records only). A shard group applies this before it answers any event, so events are
 * never matched against a partly loaded index when the job starts; later manifest events arrive
 * through the broadcast stream.
 */
public final class ManifestSnapshot {

  private static final Logger LOG = LoggerFactory.getLogger(ManifestSnapshot.class);

  private ManifestSnapshot() {}

  public static List<ShardManifestEvent> read(String bootstrapServers, String topic) {
    return read(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
  }

  /**
   * As above, with the client settings of the cluster ({@code bootstrap.servers} and any connection
   * settings such as {@code security.protocol}).
   */
  public static List<ShardManifestEvent> read(Map<String, String> kafkaClient, String topic) {
    Properties props = new Properties();
    props.putAll(kafkaClient);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ShardManifestEvent> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end in 2 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            events.add(ShardManifestEvent.fromJson(r.value()));
          } catch (RuntimeException e) {
            // Any record the topic can hold: a bad one is logged, never a failure of the job.
            LOG.error("unreadable manifest event at {}@{}: {}", topic, r.offset(), e.getMessage());
          }
        }
      }
    }
    // Apply in time order across partitions (one Datanet's events share a partition).
    events.sort(java.util.Comparator.comparingLong(ShardManifestEvent::sealedAt));
    return events;
  }
}
