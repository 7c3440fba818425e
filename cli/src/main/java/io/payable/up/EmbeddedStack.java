package io.payable.up;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.anvil.AnvilOptions;
import io.payable.embedded.flink.EmbeddedFlinkCluster;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.embedded.kafka.EmbeddedKafka;
import io.payable.up.demo.DemoChain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform's infrastructure in one process: a Kafka broker, an anvil chain, an Iceberg
 * warehouse and a Flink MiniCluster, started in that order and stopped in reverse.
 *
 * <p>State lives under a data directory. A temporary one is deleted on close; a given one keeps the
 * Kafka log, the chain state (dumped by anvil when it stops, loaded when it starts), the warehouse
 * and the index store, so that a later run on the same directory resumes the same platform: the
 * topics keep their records and the jobs' Kafka transactions and offsets stay valid.
 */
public final class EmbeddedStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  private final Path dataDir;
  private final boolean temporary;
  private final EmbeddedKafka kafka;
  private final AnvilChain chain;
  private final LocalIcebergWarehouse warehouse;
  private final EmbeddedFlinkCluster flink;
  private final Deque<AutoCloseable> started;

  private EmbeddedStack(
      Path dataDir,
      boolean temporary,
      EmbeddedKafka kafka,
      AnvilChain chain,
      LocalIcebergWarehouse warehouse,
      EmbeddedFlinkCluster flink,
      Deque<AutoCloseable> started) {
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.kafka = kafka;
    this.chain = chain;
    this.warehouse = warehouse;
    this.flink = flink;
    this.started = started;
  }

  /**
   * Starts every component. On failure, what was started is stopped again before the exception
   * propagates.
   *
   * @param dataDir where state lives; {@code null} for a temporary directory deleted on close
   * @param flinkSlots task slots of the MiniCluster
   */
  public static EmbeddedStack start(Path dataDir, int flinkSlots) {
    boolean temporary = dataDir == null;
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      Path dir = temporary ? Files.createTempDirectory("payable-up-") : dataDir.toAbsolutePath();
      Path kafkaDir = dir.resolve("kafka");
      Files.createDirectories(dir.resolve("chain"));
      Files.createDirectories(dir.resolve("index"));

      EmbeddedKafka kafka = push(started, EmbeddedKafka.start(kafkaDir));
      // Topics that exist (a restart) are left as they are.
      kafka.createTopics(
          PlatformTopics.ALL.stream()
              .map(t -> new NewTopic(t, 4, (short) 1).configs(PlatformTopics.configs(t)))
              .toList());
      AnvilOptions chainOptions = AnvilOptions.defaults().withAccounts(DemoChain.ACCOUNTS);
      if (!temporary) {
        chainOptions = chainOptions.withStateFile(dir.resolve("chain").resolve("anvil-state.json"));
      }
      AnvilChain chain = push(started, AnvilChain.start(chainOptions));
      LocalIcebergWarehouse warehouse =
          push(started, LocalIcebergWarehouse.open(dir.resolve("warehouse")));
      EmbeddedFlinkCluster flink = push(started, EmbeddedFlinkCluster.start(flinkSlots));
      return new EmbeddedStack(dir, temporary, kafka, chain, warehouse, flink, started);
    } catch (IOException | RuntimeException e) {
      closeAll(started);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Could not prepare the data directory", io);
      }
      throw (RuntimeException) e;
    }
  }

  private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T component) {
    started.push(component);
    return component;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Where sealed index shards are written. */
  public Path indexStore() {
    return dataDir.resolve("index");
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public AnvilChain chain() {
    return chain;
  }

  public LocalIcebergWarehouse warehouse() {
    return warehouse;
  }

  public EmbeddedFlinkCluster flink() {
    return flink;
  }

  @Override
  public void close() {
    closeAll(started);
    if (temporary) {
      try {
        FileUtils.deleteDirectory(dataDir.toFile());
      } catch (IOException e) {
        LOG.warn("Could not delete the temporary data directory {}", dataDir, e);
      }
    }
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        LOG.warn("Error while stopping {}", component.getClass().getSimpleName(), e);
      }
    }
  }
}
