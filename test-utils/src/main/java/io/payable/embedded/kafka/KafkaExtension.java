package io.payable.embedded.kafka;

import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs an {@link EmbeddedKafka} broker for the tests of a class.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 * }</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {

  private EmbeddedKafka kafka;

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka = EmbeddedKafka.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  /** The running broker; only valid between {@code beforeAll} and {@code afterAll}. */
  public EmbeddedKafka kafka() {
    if (kafka == null) {
      throw new IllegalStateException("The Kafka broker is not running; register the extension");
    }
    return kafka;
  }

  public String bootstrapServers() {
    return kafka().bootstrapServers();
  }

  public Properties clientProperties() {
    return kafka().clientProperties();
  }

  public void createTopics(int partitions, String... topics) {
    kafka().createTopics(partitions, topics);
  }
}
