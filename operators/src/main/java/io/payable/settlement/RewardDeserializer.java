package io.payable.settlement;

import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardJson;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.record.SkippedRecords;
import java.math.BigInteger;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.web3j.crypto.WalletUtils;

/**
 * Reads {@code rewards.attributed} records (JSON version 1) into one {@link RewardRecord} each: the
 * credits of its non-zero payouts, or a rejection. The topic is written transactionally by the
 * attribution job, but any producer allowed on it can write anything: whatever the record, this
 * never throws, and a record that does not decode, or pays a recipient that is not an address,
 * credits nobody and goes to the rejections (counted by {@link RewardSplitter}).
 *
 * <p>Decoding happens here rather than after the source so that the source's per-partition
 * watermarks follow the rewards' event times.
 */
public final class RewardDeserializer implements KafkaRecordDeserializationSchema<RewardRecord> {

  private static final long serialVersionUID = 1L;

  /** decimal(38,0) holds values below 10^38; so does every fee the attribution job accepts. */
  static final BigInteger FEE_LIMIT = BigInteger.TEN.pow(38);

  /** 10000-01-01T00:00:00Z in epoch milliseconds: no later event time is accepted. */
  static final long MAX_EVENT_TIME = 253_402_300_800_000L;

  private final SkippedRecords skipped;

  public RewardDeserializer() {
    this(SkippedRecords.NONE);
  }

  /**
   * @param skipped records to reject unread (reason {@code skipped})
   */
  public RewardDeserializer(SkippedRecords skipped) {
    this.skipped = skipped;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RewardRecord> out) {
    RawRecord raw =
        new RawRecord(
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.value());
    long now = System.currentTimeMillis();
    out.collect(
        skipped.contains(raw)
            ? RewardRecord.rejected(
                Rejection.of(
                    raw,
                    RewardRejectionReason.SKIPPED.code(),
                    "skipped by the operator (input.skip-records)",
                    now))
            : read(raw, now));
  }

  /** The credits of {@code raw}, or its rejection. */
  public static RewardRecord read(RawRecord raw, long now) {
    if (raw.value() == null) {
      return RewardRecord.rejected(
          Rejection.of(raw, RewardRejectionReason.EMPTY.code(), "record has no value", now));
    }
    AttributedReward reward;
    try {
      reward = AttributedRewardJson.decode(raw.value());
    } catch (RuntimeException | StackOverflowError e) {
      return RewardRecord.rejected(
          Rejection.of(raw, RewardRejectionReason.MALFORMED_REWARD.code(), detail(e), now));
    }
    // epoch = floor(event_time / epoch length) with a length of at least 1 ms, so 0 <= epoch <=
    // event_time; times past the year 9999 are no real inference.
    if (reward.eventTime() < 0
        || reward.eventTime() >= MAX_EVENT_TIME
        || reward.epoch() < 0
        || reward.epoch() > reward.eventTime()) {
      return RewardRecord.rejected(
          Rejection.of(
              raw,
              RewardRejectionReason.MALFORMED_REWARD.code(),
              "event "
                  + reward.eventId()
                  + ": event_time "
                  + reward.eventTime()
                  + " or epoch "
                  + reward.epoch()
                  + " out of range",
              now));
    }
    if (reward.feeWei().compareTo(FEE_LIMIT) >= 0) {
      return RewardRecord.rejected(
          Rejection.of(
              raw,
              RewardRejectionReason.AMOUNT_OUT_OF_RANGE.code(),
              "event " + reward.eventId() + ": fee >= 10^38 wei",
              now));
    }
    for (var p : reward.payouts()) {
      if (!p.recipient().startsWith("0x") || !WalletUtils.isValidAddress(p.recipient())) {
        return RewardRecord.rejected(
            Rejection.of(
                raw,
                RewardRejectionReason.INVALID_RECIPIENT.code(),
                "event " + reward.eventId() + ": recipient is not an address: " + p.recipient(),
                now));
      }
    }
    ConsumerCharge charge = null;
    if (reward.consumerVoucher() != null) {
      if (reward.consumer() == null
          || !reward.consumer().startsWith("0x")
          || !WalletUtils.isValidAddress(reward.consumer())) {
        return RewardRecord.rejected(
            Rejection.of(
                raw,
                RewardRejectionReason.INVALID_CONSUMER.code(),
                "event " + reward.eventId() + ": consumer is not an address: " + reward.consumer(),
                now));
      }
      charge = new ConsumerCharge(reward.consumer(), reward.feeWei(), reward.consumerVoucher());
    }
    return RewardRecord.of(AccountCredit.of(reward), charge, reward.eventTime());
  }

  private static String detail(Throwable e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return e.getMessage() + (cause == e ? "" : ": " + cause.getMessage());
  }

  @Override
  public TypeInformation<RewardRecord> getProducedType() {
    return TypeInformation.of(RewardRecord.class);
  }
}
