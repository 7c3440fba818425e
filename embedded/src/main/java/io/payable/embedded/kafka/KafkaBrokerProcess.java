package io.payable.embedded.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link EmbeddedKafka} as a process of its own, for standalone clusters on one machine
 * (deploy/local): the broker listens on 127.0.0.1, creates the given topics, writes its bootstrap
 * servers to a file once it is ready, and runs until the process is stopped.
 *
 * <pre>
 * java -cp ... io.payable.embedded.kafka.KafkaBrokerProcess \
 *     --log-dir DIR --bootstrap-file FILE [--partitions N] [TOPIC ...]
 * </pre>
 */
public final class KafkaBrokerProcess {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcess.class);

  private KafkaBrokerProcess() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path logDir = null;
    Path bootstrapFile = null;
    int partitions = 1;
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--log-dir" -> logDir = Path.of(args[++i]);
        case "--bootstrap-file" -> bootstrapFile = Path.of(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        default -> topics.add(args[i]);
      }
    }
    if (logDir == null || bootstrapFile == null) {
      throw new IllegalArgumentException(
          "usage: KafkaBrokerProcess --log-dir DIR --bootstrap-file FILE [--partitions N]"
              + " [TOPIC ...]");
    }
    EmbeddedKafka kafka = EmbeddedKafka.start(logDir);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stopped.countDown();
                },
                "kafka-broker-shutdown"));
    kafka.createTopics(partitions, topics.toArray(String[]::new));
    Path partial = bootstrapFile.resolveSibling(bootstrapFile.getFileName() + ".tmp");
    Files.writeString(partial, kafka.bootstrapServers() + "\n", StandardCharsets.UTF_8);
    Files.move(partial, bootstrapFile, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("Kafka broker at {} with topics {}", kafka.bootstrapServers(), topics);
    stopped.await();
  }
}
