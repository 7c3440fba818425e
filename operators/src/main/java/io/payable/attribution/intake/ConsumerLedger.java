package io.payable.attribution.intake;

import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.ingest.validate.Rejections;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by consumer, after the {@link EventGate} (so a duplicate is never charged): charges each
 * accepted event's fee to its consumer and lets it through only when the highest voucher the
 * consumer has signed covers everything charged to it, this fee included. Otherwise the event is
 * rejected {@link InferenceRejectionReason#UNPAID}: it is never attributed, so nothing unfunded is
 * ever owed. The running total is the amount the settlement job redeems from the consumer.
 *
 * <p>The state (charged total and highest voucher per consumer) has no time to live: it is money.
 * The highest voucher, not the event's own, is the bound because vouchers are cumulative: the
 * settlement job redeems with the latest one, and events of one consumer served by different
 * workers may arrive out of order.
 */
public final class ConsumerLedger
    extends KeyedProcessFunction<String, AttributionRequest, AttributionRequest> {

  private static final long serialVersionUID = 1L;

  private final boolean requireVoucher;
  private final Long chainId;
  private final String escrow;

  private transient Eip712Domain domain;
  private transient ValueState<BigInteger> charged;
  private transient ValueState<BigInteger> covered;
  private transient ValueState<Long> coveredExpiry;
  private transient ValueState<String> coveredSignature;
  private transient Counter chargedEvents;
  private transient Counter freeEvents;
  private transient Counter unpaid;

  /**
   * @param requireVoucher whether an event without a voucher is rejected (else it passes, charged
   *     to nobody, as from a worker that takes no payment)
   * @param chainId with {@code escrow}, the vouchers' EIP-712 domain: signatures are checked
   *     against the consumer when both are given (null: trust the signing worker's check)
   * @param escrow the ConsumerEscrow address, or null
   */
  public ConsumerLedger(boolean requireVoucher, Long chainId, String escrow) {
    if ((chainId == null) != (escrow == null)) {
      throw new IllegalArgumentException("the voucher domain needs both a chain id and an escrow");
    }
    this.requireVoucher = requireVoucher;
    this.chainId = chainId;
    this.escrow = escrow;
  }

  /** The key: the consumer, lower case (addresses compare without their checksum case). */
  public static String key(AttributionRequest request) {
    return request.event().consumer().toLowerCase(Locale.ROOT);
  }

  @Override
  public void open(OpenContext context) {
    domain = chainId == null ? null : VoucherSignatures.domain(chainId, escrow);
    charged = getRuntimeContext().getState(new ValueStateDescriptor<>("charged", BigInteger.class));
    covered = getRuntimeContext().getState(new ValueStateDescriptor<>("voucher", BigInteger.class));
    coveredExpiry =
        getRuntimeContext().getState(new ValueStateDescriptor<>("voucherExpiry", Long.class));
    coveredSignature =
        getRuntimeContext().getState(new ValueStateDescriptor<>("voucherSignature", String.class));
    var group = getRuntimeContext().getMetricGroup().addGroup("attribution");
    chargedEvents = group.counter("eventsCharged");
    freeEvents = group.counter("eventsWithoutVoucher");
    unpaid = group.addGroup("rejected").counter(InferenceRejectionReason.UNPAID.code());
  }

  @Override
  public void processElement(AttributionRequest in, Context ctx, Collector<AttributionRequest> out)
      throws Exception {
    InferenceEvent event = in.event();
    InferenceEvent.PaymentVoucher voucher = event.voucher();
    if (voucher == null) {
      if (requireVoucher) {
        reject(ctx, in, "no voucher");
      } else {
        freeEvents.inc();
        out.collect(in);
      }
      return;
    }
    Voucher signed;
    try {
      signed = new Voucher(event.consumer(), voucher.cumulativeAmount(), voucher.expiry());
    } catch (IllegalArgumentException e) {
      reject(ctx, in, "a voucher needs a consumer address, not " + event.consumer());
      return;
    }
    if (domain != null && !VoucherSignatures.isValid(domain, signed, voucher.signature())) {
      reject(ctx, in, "voucher not signed by the consumer in the escrow's domain");
      return;
    }
    BigInteger before = charged.value() == null ? BigInteger.ZERO : charged.value();
    InferenceEvent.PaymentVoucher highest =
        covered.value() == null || voucher.cumulativeAmount().compareTo(covered.value()) > 0
            ? voucher
            : new InferenceEvent.PaymentVoucher(
                covered.value(), coveredExpiry.value(), coveredSignature.value());
    BigInteger bound = highest.cumulativeAmount();
    BigInteger after = before.add(event.feeWei());
    if (after.compareTo(bound) > 0) {
      reject(
          ctx,
          in,
          "charges " + before + " + fee " + event.feeWei() + " exceed the voucher's " + bound);
      return;
    }
    charged.update(after);
    if (highest == voucher) {
      covered.update(voucher.cumulativeAmount());
      coveredExpiry.update(voucher.expiry());
      coveredSignature.update(voucher.signature());
    }
    chargedEvents.inc();
    out.collect(in.withConsumerCharged(after, highest));
  }

  private void reject(Context ctx, AttributionRequest in, String detail) {
    unpaid.inc();
    ctx.output(
        Rejections.TAG,
        EventGate.rejection(in.event(), in.source(), InferenceRejectionReason.UNPAID, detail));
  }
}
