package io.payable.settlement;

import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.reward.AttributedRewardJson;
import java.util.Locale;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.WalletUtils;

/**
 * Reads {@code rewards.attributed} records (JSON version 1) and emits one {@link AccountCredit} per
 * non-zero payout. The topic is written transactionally by the attribution job, so a record that
 * does not decode, or pays a recipient that is not an address, means a bug upstream: it is logged
 * with its offset and counted ({@code payable.settlement.malformedRewards}) and credits nobody.
 */
public final class RewardDeserializer implements KafkaRecordDeserializationSchema<AccountCredit> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RewardDeserializer.class);

  private transient Counter malformed;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    malformed =
        context
            .getMetricGroup()
            .addGroup("payable")
            .addGroup("settlement")
            .counter("malformedRewards");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<AccountCredit> out) {
    try {
      AttributedReward reward = AttributedRewardJson.decode(record.value());
      for (var p : reward.payouts()) {
        if (!p.recipient().startsWith("0x") || !WalletUtils.isValidAddress(p.recipient())) {
          throw new IllegalArgumentException(
              "recipient is not an address: " + p.recipient().toLowerCase(Locale.ROOT));
        }
      }
      AccountCredit.of(reward).forEach(out::collect);
    } catch (IllegalArgumentException e) {
      if (malformed != null) {
        malformed.inc();
      }
      LOG.error(
          "Malformed reward record at {}-{} offset {}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  @Override
  public TypeInformation<AccountCredit> getProducedType() {
    return TypeInformation.of(AccountCredit.class);
  }
}
