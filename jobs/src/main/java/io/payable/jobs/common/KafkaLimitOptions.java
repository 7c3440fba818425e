package io.payable.jobs.common;

import io.payable.ingest.sink.RejectionJson;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The record size limits every job shares (docs/operations.md, "Record size limits"). The jobs
 * check them against the broker's topic settings when they start ({@link RecordLimits}).
 */
public final class KafkaLimitOptions {

  public static final ConfigOption<Integer> PRODUCER_MAX_REQUEST_SIZE =
      ConfigOptions.key("kafka.producer.max-request-size")
          .intType()
          .defaultValue(1 << 20)
          .withDescription(
              "max.request.size of the jobs' Kafka producers, in bytes (Kafka's default, 1 MiB).");

  public static final ConfigOption<Integer> REJECTION_RAW_PREFIX_BYTES =
      ConfigOptions.key("rejections.raw-prefix-bytes")
          .intType()
          .defaultValue(RejectionJson.DEFAULT_RAW_PREFIX_BYTES)
          .withDescription(
              "How many leading bytes of a rejected record its rejection carries on the rejections"
                  + " topic (the rejections table keeps every byte); default 64 KiB.");

  private KafkaLimitOptions() {}

  public static List<ConfigOption<?>> all() {
    return List.of(PRODUCER_MAX_REQUEST_SIZE, REJECTION_RAW_PREFIX_BYTES);
  }
}
