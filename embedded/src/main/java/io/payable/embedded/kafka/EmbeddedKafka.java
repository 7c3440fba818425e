package io.payable.embedded.kafka;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (combined KRaft controller and broker) running in this JVM.
 *
 * <p>It is real Kafka server code (Kafka's own cluster test kit), with settings for one node:
 * replication factor 1 for internal topics, and a transaction timeout large enough for Flink's
 * transactional sinks. Listeners bind to the loopback interface on free ports.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** Flink's KafkaSink uses up to one hour; the broker default caps transactions at 15 min. */
  private static final long MAX_TRANSACTION_TIMEOUT_MS = TimeUnit.HOURS.toMillis(2);

  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  /** Starts a broker whose logs live in a fresh temporary directory, deleted on close. */
  public static EmbeddedKafka start() {
    return start(null);
  }

  /**
   * Starts a broker whose logs live under {@code baseDirectory}; a {@code null} directory means a
   * temporary one, deleted on close.
   */
  public static EmbeddedKafka start(Path baseDirectory) {
    TestKitNodes.Builder nodes =
        new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
    if (baseDirectory != null) {
      nodes.setBaseDirectory(baseDirectory);
    }
    KafkaClusterTestKit cluster = null;
    try {
      cluster =
          new KafkaClusterTestKit.Builder(nodes.build())
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "4")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("transaction.state.log.num.partitions", "4")
              .setConfigProp(
                  "transaction.max.timeout.ms", String.valueOf(MAX_TRANSACTION_TIMEOUT_MS))
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("auto.create.topics.enable", "false")
              .setDeleteOnClose(baseDirectory == null)
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster);
      LOG.info("Embedded Kafka broker ready at {}", kafka.bootstrapServers());
      return kafka;
    } catch (Exception e) {
      if (cluster != null) {
        closeQuietly(cluster);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Could not start the embedded Kafka broker", e);
    }
  }

  /** The {@code bootstrap.servers} value clients use to reach this broker. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Client properties with {@code bootstrap.servers} set. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  /** Creates the topics that do not exist yet, each with the given partition count. */
  public void createTopics(int partitions, String... topics) {
    createTopics(
        List.of(topics).stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList());
  }

  /** Creates the given topics; topics that already exist are left as they are. */
  public void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = Admin.create(clientProperties())) {
      for (Map.Entry<String, ? extends java.util.concurrent.Future<Void>> result :
          admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Could not create topic " + result.getKey(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Timed out creating topics " + topics, e);
    }
  }

  @Override
  public void close() {
    closeQuietly(cluster);
    LOG.info("Embedded Kafka broker at {} stopped", bootstrapServers);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    try {
      cluster.close();
    } catch (Exception e) {
      LOG.warn("Error while stopping the embedded Kafka broker", e);
    }
  }
}
