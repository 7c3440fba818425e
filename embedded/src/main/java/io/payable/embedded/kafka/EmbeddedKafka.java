package io.payable.embedded.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (combined KRaft controller and broker) running in this JVM.
 *
 * <p>It is Kafka's own server ({@code KafkaRaftServer}), formatted and configured for one node:
 * both listeners on 127.0.0.1, replication factor 1 for internal topics, and a transaction timeout
 * large enough for Flink's transactional sinks.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";

  /** Flink's KafkaSink uses up to one hour; the broker default caps transactions at 15 min. */
  private static final long MAX_TRANSACTION_TIMEOUT_MS = TimeUnit.HOURS.toMillis(2);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;
  private final boolean deleteOnClose;

  private EmbeddedKafka(
      KafkaRaftServer server, String bootstrapServers, Path logDir, boolean deleteOnClose) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.logDir = logDir;
    this.deleteOnClose = deleteOnClose;
  }

  /** Starts a broker whose log lives in a fresh temporary directory, deleted on close. */
  public static EmbeddedKafka start() {
    return start(null);
  }

  /**
   * Starts a broker whose log lives in {@code logDir} (formatted if empty); a {@code null}
   * directory means a temporary one, deleted on close.
   */
  public static EmbeddedKafka start(Path logDir) {
    boolean temporary = logDir == null;
    try {
      Path dir = temporary ? Files.createTempDirectory("payable-kafka-") : logDir;
      Files.createDirectories(dir);
      int brokerPort = freePort();
      int controllerPort = freePort();
      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
      props.put(
          "listeners",
          "PLAINTEXT://"
              + HOST
              + ":"
              + brokerPort
              + ",CONTROLLER://"
              + HOST
              + ":"
              + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("controller.listener.names", "CONTROLLER");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("log.dirs", dir.toString());
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "4");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("transaction.state.log.num.partitions", "4");
      props.put("transaction.max.timeout.ms", String.valueOf(MAX_TRANSACTION_TIMEOUT_MS));
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("auto.create.topics.enable", "false");
      props.put("log.flush.interval.messages", "10000");
      props.put("log.cleaner.dedupe.buffer.size", "2097152");
      KafkaConfig config = new KafkaConfig(props, false);

      if (!Files.exists(dir.resolve("meta.properties"))) {
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(1)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(dir.toString()))
            .setMetadataLogDirectory(dir.toString())
            .setControllerListenerName("CONTROLLER")
            .setReleaseVersion(MetadataVersion.latestProduction())
            // The classic transaction protocol: Flink's KafkaSink recommits the transactions of
            // the checkpoint it restores from, which under version 2 (an epoch bump on every
            // commit) fails as fenced for a transaction already committed (FLINK-40689).
            .setFeatureLevel("transaction.version", (short) 1)
            .run();
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      String bootstrap = HOST + ":" + brokerPort;
      EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, dir, temporary);
      kafka.awaitReady();
      LOG.info("Embedded Kafka broker ready at {}", bootstrap);
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded Kafka broker", e);
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the embedded Kafka broker", e);
    }
  }

  /** A port free on 127.0.0.1 right now; the broker binds it a moment later. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (Admin admin = Admin.create(clientProperties())) {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      }
      Thread.sleep(100);
    }
    close();
    throw new IllegalStateException("The embedded Kafka broker did not become ready", last);
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
    createTopics(Stream.of(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList());
  }

  /** Creates the given topics; topics that already exist are left as they are. */
  public void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = Admin.create(clientProperties())) {
      for (Map.Entry<String, ? extends Future<Void>> result :
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
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out creating topics " + topics, e);
    }
  }

  @Override
  public void close() {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Error while stopping the embedded Kafka broker", e);
    }
    if (deleteOnClose) {
      try {
        FileUtils.deleteDirectory(logDir.toFile());
      } catch (IOException e) {
        LOG.warn("Could not delete the Kafka log directory {}", logDir, e);
      }
    }
    LOG.info("Embedded Kafka broker at {} stopped", bootstrapServers);
  }
}
