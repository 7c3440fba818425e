package io.payable.console;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Console reads and writes: the Iceberg warehouse of the jobs, the chain (JSON-RPC and
 * deployment file), the Kafka cluster (submissions topic, inference events), and optionally a LoRA
 * worker and a ModelFactory service.
 *
 * @param host interface to bind; 127.0.0.1 by default
 * @param port port to bind; 0 for any free port
 * @param warehouse Iceberg warehouse (Hadoop catalog) of the jobs
 * @param rpcUrl chain JSON-RPC endpoint (the Console's reads; the browser's wallet sends writes)
 * @param deploymentJson the deployment file's JSON (addresses and chain id)
 * @param bootstrapServers Kafka bootstrap servers
 * @param submissionsTopic topic the ingest job reads contributions from
 * @param inferenceTopic topic of signed inference events (outputs shown by the trace page)
 * @param workerUrl base URL of a LoRA worker's OpenAI API, if any
 * @param modelFactoryUrl base URL of the ModelFactory HTTP API, if any
 * @param playgroundConsumerKey private key (hex) of a consumer with a deposit in ConsumerEscrow, if
 *     any: the chat playground then pays the worker with vouchers signed by this key
 * @param playgroundChannelFile where the playground consumer's payment channel (what it was charged
 *     and what it signed) is kept across restarts, if anywhere: without it a restarted Console
 *     starts from what the escrow has redeemed, and its first vouchers may fall short of the
 *     worker's count
 */
public record ConsoleConfig(
    String host,
    int port,
    String warehouse,
    String rpcUrl,
    String deploymentJson,
    String bootstrapServers,
    String submissionsTopic,
    String inferenceTopic,
    Optional<String> workerUrl,
    Optional<String> modelFactoryUrl,
    Optional<String> playgroundConsumerKey,
    Optional<Path> playgroundChannelFile) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8088;

  public ConsoleConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(warehouse, "warehouse");
    Objects.requireNonNull(rpcUrl, "rpcUrl");
    Objects.requireNonNull(deploymentJson, "deploymentJson");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(submissionsTopic, "submissionsTopic");
    Objects.requireNonNull(inferenceTopic, "inferenceTopic");
    workerUrl = workerUrl.map(ConsoleConfig::stripSlash);
    modelFactoryUrl = modelFactoryUrl.map(ConsoleConfig::stripSlash);
    Objects.requireNonNull(playgroundConsumerKey, "playgroundConsumerKey");
    playgroundConsumerKey.ifPresent(
        key -> {
          // Never echo the key in the message.
          if (!key.matches("(0x)?[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(
                "the playground consumer key must be 32 bytes of hex (64 hex digits)");
          }
        });
    Objects.requireNonNull(playgroundChannelFile, "playgroundChannelFile");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Never shows the playground consumer's key. */
  @Override
  public String toString() {
    return "ConsoleConfig[host=%s, port=%d, warehouse=%s, rpcUrl=%s, workerUrl=%s, modelFactoryUrl=%s, playgroundConsumer=%s]"
        .formatted(
            host,
            port,
            warehouse,
            rpcUrl,
            workerUrl.orElse(null),
            modelFactoryUrl.orElse(null),
            playgroundConsumerKey.isPresent() ? "set" : "none");
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ConsoleConfig}; host, port and topics have defaults. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String warehouse;
    private String rpcUrl;
    private String deploymentJson;
    private String bootstrapServers;
    private String submissionsTopic = "datanet.submissions";
    private String inferenceTopic = "inference.events";
    private String workerUrl;
    private String modelFactoryUrl;
    private String playgroundConsumerKey;
    private Path playgroundChannelFile;

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder warehouse(String warehouse) {
      this.warehouse = warehouse;
      return this;
    }

    public Builder rpcUrl(String rpcUrl) {
      this.rpcUrl = rpcUrl;
      return this;
    }

    public Builder deploymentJson(String deploymentJson) {
      this.deploymentJson = deploymentJson;
      return this;
    }

    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder submissionsTopic(String topic) {
      this.submissionsTopic = topic;
      return this;
    }

    public Builder inferenceTopic(String topic) {
      this.inferenceTopic = topic;
      return this;
    }

    public Builder workerUrl(String url) {
      this.workerUrl = url;
      return this;
    }

    public Builder modelFactoryUrl(String url) {
      this.modelFactoryUrl = url;
      return this;
    }

    /** A consumer key with a deposit in ConsumerEscrow, for the chat playground to pay with. */
    public Builder playgroundConsumerKey(String privateKeyHex) {
      this.playgroundConsumerKey = privateKeyHex;
      return this;
    }

    /** Where the playground consumer's charged and signed totals are kept across restarts. */
    public Builder playgroundChannelFile(Path file) {
      this.playgroundChannelFile = file;
      return this;
    }

    public ConsoleConfig build() {
      return new ConsoleConfig(
          host,
          port,
          warehouse,
          rpcUrl,
          deploymentJson,
          bootstrapServers,
          submissionsTopic,
          inferenceTopic,
          Optional.ofNullable(workerUrl),
          Optional.ofNullable(modelFactoryUrl),
          Optional.ofNullable(playgroundConsumerKey),
          Optional.ofNullable(playgroundChannelFile));
    }
  }
}
