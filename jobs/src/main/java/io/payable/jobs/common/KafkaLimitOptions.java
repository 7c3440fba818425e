package io.payable.jobs.common;

import io.payable.ingest.record.SkippedRecords;
import io.payable.ingest.sink.RejectionJson;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The record options every job shares (docs/operations.md, "Hostile input and record sizes"): size
 * limits, which the jobs check against the broker's topic settings when they start ({@link
 * RecordLimits}), and input records an operator has decided to skip.
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

  public static final ConfigOption<List<String>> SKIP_RECORDS =
      ConfigOptions.key("input.skip-records")
          .stringType()
          .asList()
          .defaultValues()
          .withDescription(
              "Input records to reject unread, as topic:partition:offset;...: the way out for a job"
                  + " stuck on a record (docs/operations.md). They land in the rejections with"
                  + " reason 'skipped'.");

  private KafkaLimitOptions() {}

  /** The records of {@link #SKIP_RECORDS}. */
  public static SkippedRecords skipped(Configuration config) {
    return SkippedRecords.parse(config.get(SKIP_RECORDS));
  }

  public static List<ConfigOption<?>> all() {
    return List.of(PRODUCER_MAX_REQUEST_SIZE, REJECTION_RAW_PREFIX_BYTES, SKIP_RECORDS);
  }
}
