package io.payable.jobs.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The options every job shares: where Kafka is and how to reach it, the chain, the index store and
 * the manifest topic. Each job's options class names these under its own name as well (aliases of
 * the same {@link ConfigOption}), so a key means the same in every job.
 *
 * <p>{@code kafka.properties.*} passes any Kafka client setting through, as Flink's Kafka table
 * connector does with {@code properties.*}: {@code kafka.properties.security.protocol=SASL_SSL}
 * reaches every consumer, producer and admin client the jobs and their operators create, so
 * TLS/SASL clusters need no code. {@link #validate} checks all of it before a topology is built.
 */
public final class PlatformOptions {

  /** The prefix of the Kafka client passthrough; the rest of the key is Kafka's own. */
  public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription("Kafka bootstrap servers.");

  public static final ConfigOption<String> CHAIN_RPC_URL =
      ConfigOptions.key("chain.rpc-url")
          .stringType()
          .noDefaultValue()
          .withDescription("JSON-RPC endpoint of the chain the registries and contracts are on.");

  public static final ConfigOption<String> INDEX_STORE =
      ConfigOptions.key("index.store")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Index store URI (any Flink file system): file:///data/index, s3://bucket/index.");

  public static final ConfigOption<String> MANIFEST_TOPIC =
      ConfigOptions.key("index.manifest-topic")
          .stringType()
          .defaultValue("index.manifest")
          .withDescription("Topic of shard events (sealed, compacted, tombstoned shards).");

  /**
   * Settings the jobs set themselves, with where to set them instead: the servers, the request size
   * the rejections are checked against, group ids, and what belongs to the connectors.
   */
  private static final Map<String, String> OWNED =
      Map.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "; use kafka.bootstrap-servers",
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
              "; use " + KafkaLimitOptions.PRODUCER_MAX_REQUEST_SIZE.key(),
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "",
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "",
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "",
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "",
          ProducerConfig.TRANSACTIONAL_ID_CONFIG, "",
          ConsumerConfig.GROUP_ID_CONFIG, "; use the job's group-id option");

  private PlatformOptions() {}

  /** Every option of this class, for documentation checks. */
  public static List<ConfigOption<?>> all() {
    return List.of(BOOTSTRAP_SERVERS, CHAIN_RPC_URL, INDEX_STORE, MANIFEST_TOPIC);
  }

  /**
   * The settings of every Kafka client of the jobs: {@code bootstrap.servers} and the {@code
   * kafka.properties.*} passthrough, prefix removed.
   */
  public static Properties kafkaClient(Configuration config) {
    Properties props = new Properties();
    props.putAll(kafkaClientMap(config));
    return props;
  }

  /** {@link #kafkaClient} as a serializable map, for operators that open their own clients. */
  public static HashMap<String, String> kafkaClientMap(Configuration config) {
    HashMap<String, String> props = new HashMap<>(passthrough(config));
    config
        .getOptional(BOOTSTRAP_SERVERS)
        .ifPresent(s -> props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, s));
    return props;
  }

  /** The {@code kafka.properties.*} entries, prefix removed. */
  static Map<String, String> passthrough(Configuration config) {
    Map<String, String> props = new HashMap<>();
    config
        .toMap()
        .forEach(
            (key, value) -> {
              if (key.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                props.put(key.substring(KAFKA_PROPERTIES_PREFIX.length()), value);
              }
            });
    return props;
  }

  /**
   * Checks the shared options before a topology is built, as KafkaSinkBuilder's sanity check does:
   * the servers are set and are {@code host:port} pairs, every passed-through key is a Kafka client
   * setting with a valid value, and the chain and index URIs parse. Throws {@link
   * IllegalArgumentException} with a one-line message naming the key.
   */
  public static void validate(Configuration config) {
    String servers =
        config
            .getOptional(BOOTSTRAP_SERVERS)
            .filter(s -> !s.isBlank())
            .orElseThrow(
                () -> new IllegalArgumentException(BOOTSTRAP_SERVERS.key() + " is required"));
    for (String server : servers.split(",")) {
      String s = server.strip();
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || !s.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException(
            BOOTSTRAP_SERVERS.key() + ": '" + s + "' is not host:port");
      }
    }

    Map<String, String> passthrough = passthrough(config);
    List<ConfigDef> clients =
        List.of(
            AdminClientConfig.configDef(), ConsumerConfig.configDef(), ProducerConfig.configDef());
    for (String key : new TreeSet<>(passthrough.keySet())) {
      if (OWNED.containsKey(key)) {
        throw new IllegalArgumentException(
            KAFKA_PROPERTIES_PREFIX + key + " is set by the jobs" + OWNED.get(key));
      }
      ConfigDef.ConfigKey definition =
          clients.stream()
              .map(def -> def.configKeys().get(key))
              .filter(Objects::nonNull)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          KAFKA_PROPERTIES_PREFIX + key + " is not a Kafka client setting"));
      // Kafka's own parser and validator: types and allowed values (security.protocol, sasl.*).
      try {
        Object value = ConfigDef.parseType(key, passthrough.get(key), definition.type);
        if (definition.validator != null) {
          definition.validator.ensureValid(key, value);
        }
      } catch (ConfigException e) {
        throw new IllegalArgumentException(KAFKA_PROPERTIES_PREFIX + key + ": " + e.getMessage());
      }
    }

    config.getOptional(CHAIN_RPC_URL).ifPresent(url -> uri(CHAIN_RPC_URL, url, true));
    config.getOptional(INDEX_STORE).ifPresent(store -> uri(INDEX_STORE, store, false));
  }

  private static void uri(ConfigOption<String> option, String value, boolean web) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null
          || web && !uri.getScheme().matches("https?|wss?")
          || web && uri.getHost() == null) {
        throw new URISyntaxException(value, web ? "not an http(s) or ws(s) URL" : "no scheme");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(option.key() + ": " + e.getMessage());
    }
  }
}
