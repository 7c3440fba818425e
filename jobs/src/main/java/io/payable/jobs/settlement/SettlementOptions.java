package io.payable.jobs.settlement;

import io.payable.jobs.common.PlatformOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Configuration of the settlement job (documented in docs/operations.md). */
public final class SettlementOptions {

  /** The shared {@link PlatformOptions#BOOTSTRAP_SERVERS}. */
  public static final ConfigOption<String> BOOTSTRAP_SERVERS = PlatformOptions.BOOTSTRAP_SERVERS;

  public static final ConfigOption<String> REWARDS_TOPIC =
      ConfigOptions.key("settlement.rewards-topic")
          .stringType()
          .defaultValue("rewards.attributed")
          .withDescription("Topic of attributed rewards (read with read_committed).");

  public static final ConfigOption<String> REJECTIONS_TOPIC =
      ConfigOptions.key("settlement.rejections-topic")
          .stringType()
          .defaultValue("rewards.rejections")
          .withDescription("Topic reward records that credit nobody go to, with their reason.");

  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      ConfigOptions.key("settlement.transactional-id-prefix")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Prefix of the Kafka transactional ids of the rejections sink; unique per job"
                  + " (default: the group id).");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("settlement.group-id")
          .stringType()
          .defaultValue("payable-settlement")
          .withDescription("Kafka consumer group (offsets are committed on checkpoints).");

  public static final ConfigOption<Boolean> STOP_AT_LATEST =
      ConfigOptions.key("settlement.stop-at-latest")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Stop after the offsets that were latest at start; every epoch seen is then closed"
                  + " (backfills, tests).");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("settlement.checkpoint-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription("Checkpoint interval; roots are posted after the checkpoint completes.");

  public static final ConfigOption<Duration> EPOCH_LENGTH =
      ConfigOptions.key("settlement.epoch-length")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "Epoch length; by default ProtocolParams.epochLength() read when the job starts.");

  public static final ConfigOption<Duration> ALLOWED_LATENESS =
      ConfigOptions.key("settlement.allowed-lateness")
          .durationType()
          .defaultValue(Duration.ofMinutes(5))
          .withDescription("How long after its end (in event time) an epoch still takes rewards.");

  public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
      ConfigOptions.key("settlement.max-out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription("Watermark delay behind the largest event time seen.");

  public static final ConfigOption<Duration> SOURCE_IDLE_TIMEOUT =
      ConfigOptions.key("settlement.source-idle-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription("A partition without records for this long stops holding back epochs.");

  public static final ConfigOption<Duration> FUNDING_POLL_INTERVAL =
      ConfigOptions.key("settlement.funding-poll-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription("How often totalFunded is re-read while a root waits for funds.");

  public static final ConfigOption<Integer> POST_MAX_ATTEMPTS =
      ConfigOptions.key("settlement.post-max-attempts")
          .intType()
          .defaultValue(5)
          .withDescription("Attempts to post one root before the job fails over.");

  public static final ConfigOption<Duration> POST_RETRY_PAUSE =
      ConfigOptions.key("settlement.post-retry-pause")
          .durationType()
          .defaultValue(Duration.ofSeconds(2))
          .withDescription("Pause between two attempts to post a root.");

  public static final ConfigOption<Duration> RECEIPT_TIMEOUT =
      ConfigOptions.key("settlement.receipt-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(5))
          .withDescription("How long to wait for the receipt of a postRoot transaction.");

  /** The shared {@link PlatformOptions#CHAIN_RPC_URL}. */
  public static final ConfigOption<String> CHAIN_RPC_URL = PlatformOptions.CHAIN_RPC_URL;

  public static final ConfigOption<String> DEPLOYMENT =
      ConfigOptions.key("chain.deployment")
          .stringType()
          .noDefaultValue()
          .withDescription("Deployment file (JSON, docs/contracts.md) naming the contracts.");

  public static final ConfigOption<String> SETTLER_KEY =
      ConfigOptions.key("chain.settler-key")
          .stringType()
          .noDefaultValue()
          .withDescription("SETTLER role key source: env:VAR or file:PATH, never the key itself.");

  public static final ConfigOption<String> CONSUMER_ESCROW =
      ConfigOptions.key("chain.consumer-escrow")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "ConsumerEscrow address: redeem each epoch's consumer payments before posting its"
                  + " root (unset: the distributor is funded externally).");

  private SettlementOptions() {}
}
