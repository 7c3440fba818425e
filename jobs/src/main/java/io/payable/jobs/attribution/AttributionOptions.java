package io.payable.jobs.attribution;

import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.contracts.client.ProtocolParameters;
import io.payable.index.scoring.V1Defaults;
import io.payable.jobs.common.PlatformOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Configuration of the attribution job (documented in docs/operations.md). Keys shared with the
 * ingest job ({@code kafka.bootstrap-servers}, {@code index.*}, {@code chain.*}) mean the same in
 * both.
 */
public final class AttributionOptions {

  /** The shared {@link PlatformOptions#BOOTSTRAP_SERVERS}. */
  public static final ConfigOption<String> BOOTSTRAP_SERVERS = PlatformOptions.BOOTSTRAP_SERVERS;

  public static final ConfigOption<String> EVENTS_TOPIC =
      ConfigOptions.key("attribution.events-topic")
          .stringType()
          .defaultValue("inference.events")
          .withDescription("Topic of signed inference event batches.");

  public static final ConfigOption<String> REJECTIONS_TOPIC =
      ConfigOptions.key("attribution.rejections-topic")
          .stringType()
          .defaultValue("inference.rejections")
          .withDescription("Topic refused records and events go to, with their reason.");

  public static final ConfigOption<String> REWARDS_TOPIC =
      ConfigOptions.key("attribution.rewards-topic")
          .stringType()
          .defaultValue("rewards.attributed")
          .withDescription("Topic of attributed rewards (transactional) for the settlement job.");

  /** The shared {@link PlatformOptions#MANIFEST_TOPIC}. */
  public static final ConfigOption<String> MANIFEST_TOPIC = PlatformOptions.MANIFEST_TOPIC;

  public static final ConfigOption<String> INFLUENCE_MANIFEST_TOPIC =
      ConfigOptions.key("attribution.influence-manifest-topic")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Topic of influence store events (docs/formats.md) the gradient scorer follows;"
                  + " unset: no adapter has a store and gradient and hybrid events are rejected"
                  + " (influence_store_unavailable).");

  public static final ConfigOption<Integer> GRADIENT_BATCH_SIZE =
      ConfigOptions.key("attribution.gradient.batch-size")
          .intType()
          .defaultValue(32)
          .withDescription(
              "Events of one gradient or hybrid adapter scored together: the influence store is"
                  + " read once per batch (docs/benchmarks.md, gradient attribution scoring).");

  public static final ConfigOption<Duration> GRADIENT_BATCH_DELAY =
      ConfigOptions.key("attribution.gradient.batch-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(50))
          .withDescription(
              "The longest time an event of a gradient or hybrid adapter waits for its batch to"
                  + " fill before it is scored.");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("attribution.group-id")
          .stringType()
          .defaultValue("payable-attribution")
          .withDescription("Kafka consumer group (offsets are committed on checkpoints).");

  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      ConfigOptions.key("attribution.transactional-id-prefix")
          .stringType()
          .defaultValue("payable-attribution")
          .withDescription("Prefix of the Kafka transactional ids; unique per job.");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("attribution.checkpoint-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Checkpoint interval: outputs become visible (tables, read_committed) per checkpoint.");

  public static final ConfigOption<Boolean> STOP_AT_LATEST =
      ConfigOptions.key("attribution.stop-at-latest")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Read inference events up to the offsets that are latest at start, then finish"
                  + " (benchmarks and tests).");

  public static final ConfigOption<Integer> SHARD_GROUPS =
      ConfigOptions.key("attribution.shard-groups")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Number of shard groups (parallelism of the matcher); defaults to the job"
                  + " parallelism. Changing it reassigns shards on restore.");

  public static final ConfigOption<String> INDEX_CACHE_DIR =
      ConfigOptions.key("attribution.index-cache-dir")
          .stringType()
          .defaultValue(System.getProperty("java.io.tmpdir") + "/payable-index-cache")
          .withDescription("Local directory for copies of shards kept in a remote index store.");

  public static final ConfigOption<String> TOKENIZER =
      ConfigOptions.key("index.tokenizer")
          .stringType()
          .defaultValue("o200k_base")
          .withDescription("Index tokenizer; must be the one the shards were built with.");

  public static final ConfigOption<Duration> DEDUPE_RETENTION =
      ConfigOptions.key("attribution.dedupe-retention")
          .durationType()
          .defaultValue(Duration.ofDays(7))
          .withDescription("How long an attributed event id is remembered to refuse duplicates.");

  public static final ConfigOption<String> PROTOCOL_TREASURY =
      ConfigOptions.key("attribution.protocol-treasury")
          .stringType()
          .noDefaultValue()
          .withDescription("Address the protocol share and rounding remainders are paid to.");

  public static final ConfigOption<List<Integer>> FEE_SPLIT_BPS =
      ConfigOptions.key("attribution.fee-split-bps")
          .intType()
          .asList()
          .defaultValues(7_000, 1_500, 1_000, 500)
          .withDescription(
              "Fallback fee split without a chain: data, model owner, worker, protocol (bps).");

  public static final ConfigOption<Integer> THRESHOLD_BPS =
      ConfigOptions.key("attribution.threshold-bps")
          .intType()
          .defaultValue(V1Defaults.THRESHOLD_BPS)
          .withDescription("Fallback contributor share threshold without a chain (bps).");

  public static final ConfigOption<Integer> HYBRID_GRADIENT_BPS =
      ConfigOptions.key("attribution.hybrid-gradient-bps")
          .intType()
          .defaultValue(ProtocolParameters.DEFAULT_HYBRID_GRADIENT_BPS)
          .withDescription("Fallback weight of gradient shares in a hybrid mix without a chain.");

  public static final ConfigOption<Integer> GRADIENT_THRESHOLD_BPS =
      ConfigOptions.key("attribution.gradient-threshold-bps")
          .intType()
          .defaultValue(ProtocolParameters.DEFAULT_GRADIENT_THRESHOLD_BPS)
          .withDescription(
              "Fallback threshold on gradient shares before a gradient split or hybrid mix without"
                  + " a chain (bps).");

  public static final ConfigOption<Integer> SKETCH_AUDIT_BPS =
      ConfigOptions.key("attribution.sketch-audit-bps")
          .intType()
          .defaultValue(ProtocolParameters.DEFAULT_SKETCH_AUDIT_BPS)
          .withDescription("Fallback share of query sketches recomputed without a chain (bps).");

  public static final ConfigOption<Integer> SKETCH_TOLERANCE_BPS =
      ConfigOptions.key("attribution.sketch-tolerance-bps")
          .intType()
          .defaultValue(ProtocolParameters.DEFAULT_SKETCH_TOLERANCE_BPS)
          .withDescription("Fallback relative L2 tolerance of a sketch audit without a chain.");

  public static final ConfigOption<Integer> MIN_SPAN_TOKENS =
      ConfigOptions.key("attribution.min-span-tokens")
          .intType()
          .defaultValue(V1Defaults.MIN_SPAN_TOKENS)
          .withDescription("Fallback shortest attributable span without a chain (tokens).");

  public static final ConfigOption<Long> MAX_OCCURRENCES =
      ConfigOptions.key("attribution.max-occurrences")
          .longType()
          .defaultValue(V1Defaults.MAX_OCCURRENCES)
          .withDescription("Fallback most frequent attributable span without a chain.");

  public static final ConfigOption<Duration> EPOCH_LENGTH =
      ConfigOptions.key("attribution.epoch-length")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription("Fallback settlement epoch length without a chain.");

  public static final ConfigOption<Map<String, String>> WORKERS =
      ConfigOptions.key("attribution.workers")
          .mapType()
          .defaultValue(Map.of())
          .withDescription(
              "Worker directory without a chain: worker-address:operator-address pairs.");

  public static final ConfigOption<List<String>> ADAPTERS =
      ConfigOptions.key("attribution.adapters")
          .stringType()
          .asList()
          .defaultValues()
          .withDescription(
              "Adapter directory without a chain: entries adapter-id|owner|datanet-id+datanet-id,"
                  + " optionally followed by |method (spans, gradient or hybrid; default spans).");

  public static final ConfigOption<Map<String, String>> DATANET_TREASURIES =
      ConfigOptions.key("attribution.datanet-treasuries")
          .mapType()
          .defaultValue(Map.of())
          .withDescription("Datanet treasuries without a chain: datanet-id:treasury pairs.");

  /** The shared {@link PlatformOptions#CHAIN_RPC_URL}. */
  public static final ConfigOption<String> CHAIN_RPC_URL = PlatformOptions.CHAIN_RPC_URL;

  public static final ConfigOption<String> MODEL_REGISTRY =
      ConfigOptions.key("chain.model-registry")
          .stringType()
          .noDefaultValue()
          .withDescription("ModelRegistry address.");

  public static final ConfigOption<String> DATANET_REGISTRY =
      ConfigOptions.key("chain.datanet-registry")
          .stringType()
          .noDefaultValue()
          .withDescription("DatanetRegistry address (Datanet treasuries).");

  public static final ConfigOption<String> PROTOCOL_PARAMS =
      ConfigOptions.key("chain.protocol-params")
          .stringType()
          .noDefaultValue()
          .withDescription("ProtocolParams address.");

  public static final ConfigOption<Boolean> REQUIRE_VOUCHER =
      ConfigOptions.key("attribution.require-voucher")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Reject events without a payment voucher as unpaid (else they pass, charged to"
                  + " nobody, as from workers that take no payment).");

  public static final ConfigOption<String> CONSUMER_ESCROW =
      ConfigOptions.key("chain.consumer-escrow")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "ConsumerEscrow address; with chain.chain-id, voucher signatures are checked.");

  public static final ConfigOption<Long> CHAIN_ID =
      ConfigOptions.key("chain.chain-id")
          .longType()
          .noDefaultValue()
          .withDescription("Chain id of the vouchers' EIP-712 domain.");

  public static final ConfigOption<Duration> CHAIN_REFRESH =
      ConfigOptions.key("attribution.chain-refresh")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "How long values read from the chain (parameters, workers, adapters) are trusted.");

  private AttributionOptions() {}

  /** The parameters of the fallback options. */
  static AttributionParams fallbackParams(Configuration config) {
    List<Integer> split = config.get(FEE_SPLIT_BPS);
    if (split.size() != 4) {
      throw new IllegalArgumentException(FEE_SPLIT_BPS.key() + " needs four values");
    }
    return new AttributionParams(
        new FeeSplitParams(split.get(0), split.get(1), split.get(2), split.get(3)),
        config.get(THRESHOLD_BPS),
        config.get(MIN_SPAN_TOKENS),
        config.get(MAX_OCCURRENCES),
        config.get(EPOCH_LENGTH).toMillis(),
        config.get(HYBRID_GRADIENT_BPS),
        config.get(SKETCH_AUDIT_BPS),
        config.get(SKETCH_TOLERANCE_BPS),
        config.get(GRADIENT_THRESHOLD_BPS));
  }

  /** The configured adapters, with treasuries from {@link #DATANET_TREASURIES}. */
  static Map<String, AdapterInfo> adapters(Configuration config) {
    Map<String, String> treasuries = new LinkedHashMap<>();
    config
        .get(DATANET_TREASURIES)
        .forEach((d, t) -> treasuries.put(d.toLowerCase(Locale.ROOT), t.toLowerCase(Locale.ROOT)));
    Map<String, AdapterInfo> adapters = new LinkedHashMap<>();
    for (String entry : config.get(ADAPTERS)) {
      String[] parts = entry.split("\\|");
      if (parts.length != 3 && parts.length != 4) {
        throw new IllegalArgumentException(
            "adapter entry is not id|owner|datanets[|method]: " + entry);
      }
      List<String> datanets = new ArrayList<>();
      Map<String, String> own = new LinkedHashMap<>();
      for (String d : parts[2].split("\\+")) {
        String id = d.trim().toLowerCase(Locale.ROOT);
        datanets.add(id);
        if (treasuries.containsKey(id)) {
          own.put(id, treasuries.get(id));
        }
      }
      adapters.put(
          parts[0].trim(),
          new AdapterInfo(
              parts[0].trim(),
              parts[1].trim().toLowerCase(Locale.ROOT),
              datanets,
              own,
              parts.length == 4 ? parts[3].trim() : AdapterInfo.SPANS));
    }
    return adapters;
  }

  /** Every option of the job, for documentation and deployment checks. */
  public static List<ConfigOption<?>> all() {
    List<ConfigOption<?>> options = new ArrayList<>();
    for (Field f : AttributionOptions.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
        try {
          options.add((ConfigOption<?>) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return options;
  }
}
