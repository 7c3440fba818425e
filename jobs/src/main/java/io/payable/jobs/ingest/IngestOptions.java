package io.payable.jobs.ingest;

import io.payable.ingest.submission.SubmissionParser;
import io.payable.ingest.validate.DatanetStatus;
import io.payable.jobs.common.PlatformOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Configuration of the ingest job (documented in docs/operations.md). */
public final class IngestOptions {

  /** The shared {@link PlatformOptions#BOOTSTRAP_SERVERS}. */
  public static final ConfigOption<String> BOOTSTRAP_SERVERS = PlatformOptions.BOOTSTRAP_SERVERS;

  public static final ConfigOption<String> SUBMISSIONS_TOPIC =
      ConfigOptions.key("ingest.submissions-topic")
          .stringType()
          .defaultValue("datanet.submissions")
          .withDescription("Topic of signed submissions.");

  public static final ConfigOption<String> CURATION_TOPIC =
      ConfigOptions.key("ingest.curation-topic")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Topic of signed withdrawals and upheld flags (docs/formats.md); unset: no curation"
                  + " input.");

  public static final ConfigOption<String> REJECTIONS_TOPIC =
      ConfigOptions.key("ingest.rejections-topic")
          .stringType()
          .defaultValue("datanet.rejections")
          .withDescription("Topic rejected submissions go to, with their reason.");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("ingest.group-id")
          .stringType()
          .defaultValue("payable-ingest")
          .withDescription("Kafka consumer group (offsets are committed on checkpoints).");

  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      ConfigOptions.key("ingest.transactional-id-prefix")
          .stringType()
          .defaultValue("payable-ingest")
          .withDescription("Prefix of the Kafka transactional ids; unique per job.");

  public static final ConfigOption<Integer> MAX_SUBMISSION_BYTES =
      ConfigOptions.key("ingest.max-submission-bytes")
          .intType()
          .defaultValue(SubmissionParser.DEFAULT_MAX_BYTES)
          .withDescription("Largest accepted submission record, in bytes (default 1 MiB).");

  public static final ConfigOption<Integer> MIN_TOKENS =
      ConfigOptions.key("ingest.min-tokens")
          .intType()
          .defaultValue(8)
          .withDescription("Fewest tokens (index tokenizer) a contribution must have.");

  public static final ConfigOption<String> TOKENIZER =
      ConfigOptions.key("index.tokenizer")
          .stringType()
          .defaultValue("o200k_base")
          .withDescription("Index tokenizer: o200k_base, cl100k_base, bytes or hf:PATH.");

  public static final ConfigOption<Long> CHAIN_ID =
      ConfigOptions.key("chain.id")
          .longType()
          .defaultValue(31337L)
          .withDescription("EIP-155 chain id of the EIP-712 domain contributors sign in.");

  public static final ConfigOption<String> DATANET_REGISTRY =
      ConfigOptions.key("chain.datanet-registry")
          .stringType()
          .noDefaultValue()
          .withDescription("DatanetRegistry address: the EIP-712 verifying contract.");

  /** The shared {@link PlatformOptions#CHAIN_RPC_URL}. */
  public static final ConfigOption<String> CHAIN_RPC_URL = PlatformOptions.CHAIN_RPC_URL;

  public static final ConfigOption<String> ANCHOR_KEY =
      ConfigOptions.key("chain.anchor-key")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Where the ANCHOR role's key comes from: env:VAR or file:PATH (never the key).");

  public static final ConfigOption<Integer> ANCHOR_MAX_RETRIES =
      ConfigOptions.key("chain.anchor-max-retries")
          .intType()
          .defaultValue(10)
          .withDescription("Checkpoints an anchor is retried on before the job fails over.");

  public static final ConfigOption<Duration> DATANET_REFRESH =
      ConfigOptions.key("ingest.datanet-refresh")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription("How long a Datanet's status read from the chain is trusted.");

  public static final ConfigOption<Map<String, String>> DATANETS =
      ConfigOptions.key("ingest.datanets")
          .mapType()
          .defaultValue(Map.of())
          .withDescription(
              "Fallback Datanet directory for runs without a chain: 0x-id:OPEN|CLOSED pairs.");

  /** The shared {@link PlatformOptions#INDEX_STORE}. */
  public static final ConfigOption<String> INDEX_STORE = PlatformOptions.INDEX_STORE;

  /** The shared {@link PlatformOptions#MANIFEST_TOPIC}. */
  public static final ConfigOption<String> MANIFEST_TOPIC = PlatformOptions.MANIFEST_TOPIC;

  public static final ConfigOption<Long> SHARD_MAX_SYMBOLS =
      ConfigOptions.key("index.shard-max-symbols")
          .longType()
          .defaultValue(1L << 24)
          .withDescription("Seal a Datanet's open shard once it holds this many symbols.");

  public static final ConfigOption<Duration> SHARD_MAX_AGE =
      ConfigOptions.key("index.shard-max-age")
          .durationType()
          .defaultValue(Duration.ofMinutes(5))
          .withDescription("Seal a Datanet's open shard this long after its first contribution.");

  public static final ConfigOption<Long> SMALL_SHARD_SYMBOLS =
      ConfigOptions.key("index.small-shard-symbols")
          .longType()
          .defaultValue(1L << 22)
          .withDescription(
              "Shards sealed below this many symbols (by age or at the end of the input) are"
                  + " small and get compacted.");

  public static final ConfigOption<Integer> COMPACTION_FAN_IN =
      ConfigOptions.key("index.compaction-fan-in")
          .intType()
          .defaultValue(8)
          .withDescription(
              "Merge a Datanet's small shards into one once this many are sealed; below 2 turns"
                  + " compaction off.");

  public static final ConfigOption<Double> NEAR_DUPLICATE_SHARE =
      ConfigOptions.key("ingest.near-duplicate-share")
          .doubleType()
          .defaultValue(0.8)
          .withDescription(
              "Reject a contribution as redundant when this share of its tokens is covered by"
                  + " spans already in the Datanet's sealed shards; above 1 disables the check.");

  public static final ConfigOption<Integer> NEAR_DUPLICATE_MIN_SPAN =
      ConfigOptions.key("ingest.near-duplicate-min-span")
          .intType()
          .defaultValue(12)
          .withDescription("Shortest span, in tokens, that counts towards redundancy.");

  public static final ConfigOption<Duration> NEAR_DUPLICATE_REFRESH =
      ConfigOptions.key("ingest.near-duplicate-refresh")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription("How often newly committed shards are picked up for the check.");

  public static final ConfigOption<Boolean> STOP_AT_LATEST =
      ConfigOptions.key("ingest.stop-at-latest")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Stop once the offsets that were latest at start are read (backfills, tests).");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("ingest.checkpoint-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription("Checkpoint interval; outputs become visible on checkpoints.");

  private IngestOptions() {}

  static Map<String, DatanetStatus> datanets(Map<String, String> configured) {
    Map<String, DatanetStatus> out = new LinkedHashMap<>();
    configured.forEach((id, status) -> out.put(id, DatanetStatus.valueOf(status.trim())));
    return out;
  }

  static List<ConfigOption<?>> all() {
    return List.of(
        BOOTSTRAP_SERVERS,
        SUBMISSIONS_TOPIC,
        CURATION_TOPIC,
        REJECTIONS_TOPIC,
        GROUP_ID,
        TRANSACTIONAL_ID_PREFIX,
        MAX_SUBMISSION_BYTES,
        MIN_TOKENS,
        TOKENIZER,
        CHAIN_ID,
        DATANET_REGISTRY,
        CHAIN_RPC_URL,
        ANCHOR_KEY,
        ANCHOR_MAX_RETRIES,
        DATANET_REFRESH,
        DATANETS,
        INDEX_STORE,
        MANIFEST_TOPIC,
        SHARD_MAX_SYMBOLS,
        SHARD_MAX_AGE,
        SMALL_SHARD_SYMBOLS,
        COMPACTION_FAN_IN,
        NEAR_DUPLICATE_SHARE,
        NEAR_DUPLICATE_MIN_SPAN,
        NEAR_DUPLICATE_REFRESH,
        STOP_AT_LATEST,
        CHECKPOINT_INTERVAL);
  }
}
