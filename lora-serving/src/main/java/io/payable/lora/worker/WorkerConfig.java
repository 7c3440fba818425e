package io.payable.lora.worker;

import io.payable.lora.batch.SchedulerConfig;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a worker needs; build with {@link #builder()}.
 *
 * @param kafkaBootstrap null to keep events in memory (no Kafka)
 * @param servedModelName the base model's id in the API; null for the base directory's name
 * @param chatTemplate a Jinja chat template file overriding the tokenizer's; may be null
 */
public record WorkerConfig(
    Path baseDir,
    Path adaptersDir,
    int deviceSlots,
    int cpuAdapters,
    int maxRank,
    int loaderThreads,
    SchedulerConfig scheduler,
    BigInteger defaultPriceWei,
    Path pricesFile,
    String kafkaBootstrap,
    String topic,
    int eventBatch,
    Duration eventLinger,
    String host,
    int port,
    String servedModelName,
    Path chatTemplate) {

  public WorkerConfig {
    Objects.requireNonNull(baseDir, "baseDir");
    Objects.requireNonNull(adaptersDir, "adaptersDir");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: 32 slots, 256 adapters in CPU memory, rank up to 64, port 8090. */
  public static final class Builder {
    private Path baseDir;
    private Path adaptersDir;
    private int deviceSlots = 32;
    private int cpuAdapters = 256;
    private int maxRank = 64;
    private int loaderThreads = 2;
    private SchedulerConfig scheduler = SchedulerConfig.builder().build();
    private BigInteger defaultPriceWei = BigInteger.valueOf(1_000_000_000L);
    private Path pricesFile;
    private String kafkaBootstrap;
    private String topic = "inference.events";
    private int eventBatch = 256;
    private Duration eventLinger = Duration.ofMillis(200);
    private String host = "127.0.0.1";
    private int port = 8090;
    private String servedModelName;
    private Path chatTemplate;

    public Builder servedModelName(String v) {
      servedModelName = v;
      return this;
    }

    public Builder chatTemplate(Path v) {
      chatTemplate = v;
      return this;
    }

    public Builder baseDir(Path v) {
      baseDir = v;
      return this;
    }

    public Builder adaptersDir(Path v) {
      adaptersDir = v;
      return this;
    }

    public Builder deviceSlots(int v) {
      deviceSlots = v;
      return this;
    }

    public Builder cpuAdapters(int v) {
      cpuAdapters = v;
      return this;
    }

    public Builder maxRank(int v) {
      maxRank = v;
      return this;
    }

    public Builder loaderThreads(int v) {
      loaderThreads = v;
      return this;
    }

    public Builder scheduler(SchedulerConfig v) {
      scheduler = v;
      return this;
    }

    public Builder defaultPriceWei(BigInteger v) {
      defaultPriceWei = v;
      return this;
    }

    public Builder pricesFile(Path v) {
      pricesFile = v;
      return this;
    }

    public Builder kafkaBootstrap(String v) {
      kafkaBootstrap = v;
      return this;
    }

    public Builder topic(String v) {
      topic = v;
      return this;
    }

    public Builder eventBatch(int v) {
      eventBatch = v;
      return this;
    }

    public Builder eventLinger(Duration v) {
      eventLinger = v;
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public WorkerConfig build() {
      return new WorkerConfig(
          baseDir,
          adaptersDir,
          deviceSlots,
          cpuAdapters,
          maxRank,
          loaderThreads,
          scheduler,
          defaultPriceWei,
          pricesFile,
          kafkaBootstrap,
          topic,
          eventBatch,
          eventLinger,
          host,
          port,
          servedModelName,
          chatTemplate);
    }
  }
}
