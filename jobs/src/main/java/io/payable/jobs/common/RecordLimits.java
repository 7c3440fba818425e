package io.payable.jobs.common;

import io.payable.ingest.sink.RejectionJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of record sizes: every rejection a job can write must fit both its producer's
 * {@code max.request.size} and the rejections topic's {@code max.message.bytes}; otherwise one
 * large bad record would fail the job on every retry. A job refuses to start when they do not fit.
 */
public final class RecordLimits {

  private static final Logger LOG = LoggerFactory.getLogger(RecordLimits.class);

  /** Allowance for the Kafka record and batch headers around a value (no key, no headers). */
  static final int RECORD_OVERHEAD_BYTES = 1024;

  private RecordLimits() {}

  /** The largest Kafka record a rejection with this prefix size can make. */
  public static int maxRejectionRecordBytes(int rawPrefixBytes) {
    return RejectionJson.maxEncodedBytes(rawPrefixBytes) + RECORD_OVERHEAD_BYTES;
  }

  /**
   * What is inconsistent, one sentence each; empty when the limits fit.
   *
   * @param topicMaxMessageBytes the rejections topic's {@code max.message.bytes}, if known
   */
  public static List<String> problems(
      int rawPrefixBytes, int maxRequestSize, String topic, OptionalInt topicMaxMessageBytes) {
    List<String> problems = new ArrayList<>();
    int largest = maxRejectionRecordBytes(rawPrefixBytes);
    if (largest > maxRequestSize) {
      problems.add(
          String.format(
              "a rejection on %s may take %d bytes (%s=%d), more than %s=%d allows: lower the"
                  + " prefix or raise the producer limit",
              topic,
              largest,
              KafkaLimitOptions.REJECTION_RAW_PREFIX_BYTES.key(),
              rawPrefixBytes,
              KafkaLimitOptions.PRODUCER_MAX_REQUEST_SIZE.key(),
              maxRequestSize));
    }
    if (topicMaxMessageBytes.isPresent() && largest > topicMaxMessageBytes.getAsInt()) {
      problems.add(
          String.format(
              "a rejection on %s may take %d bytes (%s=%d), more than the topic's"
                  + " max.message.bytes=%d: raise the topic's limit or lower the prefix",
              topic,
              largest,
              KafkaLimitOptions.REJECTION_RAW_PREFIX_BYTES.key(),
              rawPrefixBytes,
              topicMaxMessageBytes.getAsInt()));
    }
    return problems;
  }

  /**
   * Reads the rejections topic's limit from the broker and refuses an inconsistent configuration. A
   * topic that does not exist yet (the broker creates it with its default limit, about 1 MiB) or a
   * broker that cannot be reached leaves only the producer limit to check.
   *
   * @throws IllegalArgumentException naming every inconsistency
   */
  public static void check(Configuration config, String bootstrap, String rejectionsTopic) {
    int prefix = config.get(KafkaLimitOptions.REJECTION_RAW_PREFIX_BYTES);
    int maxRequest = config.get(KafkaLimitOptions.PRODUCER_MAX_REQUEST_SIZE);
    if (prefix < 0 || maxRequest <= 0) {
      throw new IllegalArgumentException(
          "Inconsistent record limits: "
              + KafkaLimitOptions.REJECTION_RAW_PREFIX_BYTES.key()
              + " must be >= 0 and "
              + KafkaLimitOptions.PRODUCER_MAX_REQUEST_SIZE.key()
              + " > 0");
    }
    List<String> problems =
        problems(
            prefix,
            maxRequest,
            rejectionsTopic,
            topicMaxMessageBytes(PlatformOptions.kafkaClient(config), bootstrap, rejectionsTopic));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Inconsistent record limits: " + String.join("; ", problems));
    }
  }

  private static OptionalInt topicMaxMessageBytes(
      Properties client, String bootstrap, String topic) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    try (Admin admin = Admin.create(props)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(List.of(resource)).all().get(20, TimeUnit.SECONDS);
      var entry = configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      return entry == null || entry.value() == null
          ? OptionalInt.empty()
          : OptionalInt.of(Integer.parseInt(entry.value()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        LOG.warn(
            "Rejections topic {} does not exist: create it (docs/operations.md) unless the broker"
                + " creates topics on first use",
            topic);
      } else {
        LOG.warn("Could not read the limits of topic {}: {}", topic, e.getCause().toString());
      }
      return OptionalInt.empty();
    } catch (TimeoutException | RuntimeException e) {
      LOG.warn("Could not read the limits of topic {}: {}", topic, e.toString());
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }
}
