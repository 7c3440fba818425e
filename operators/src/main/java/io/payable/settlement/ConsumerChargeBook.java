package io.payable.settlement;

import io.payable.contracts.client.Redemption;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import io.payable.wire.inference.InferenceEvent;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each consumer owes, as the settlement job closes epochs: the fees of the events credited in
 * roots up to the epoch being closed (cumulative per consumer, so a repeated redeem pays nothing),
 * and the highest voucher seen for the consumer (which covers them, as the attribution job only
 * lets through events whose consumer's highest voucher covers its charges). Events are charged to
 * the epoch whose root credits them, late ones included, so that the redemptions of a root fund
 * exactly what the root adds.
 *
 * <p>The tree builder keeps the book's content in keyed state and loads, per closed epoch, only the
 * consumers charged in it ({@link #restore}). Not thread safe.
 */
public final class ConsumerChargeBook implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, BigInteger> charged = new TreeMap<>();
  private final Map<String, InferenceEvent.PaymentVoucher> vouchers = new TreeMap<>();
  private final Map<String, Boolean> active = new TreeMap<>();

  /**
   * Loads what a closed epoch left for {@code consumer}: its cumulative charges and highest voucher
   * (null if none). The consumer is not charged in the open epoch by this.
   */
  public void restore(
      String consumer, BigInteger cumulative, InferenceEvent.PaymentVoucher voucher) {
    if (cumulative.signum() < 0) {
      throw new IllegalArgumentException("charges must not be negative: " + cumulative);
    }
    String key = consumer.toLowerCase(Locale.ROOT);
    charged.put(key, cumulative);
    if (voucher == null) {
      vouchers.remove(key);
    } else {
      vouchers.put(key, voucher);
    }
  }

  /**
   * Charges {@code fee} to {@code consumer} in the open epoch, under {@code voucher}; a null
   * voucher (one whose signature did not verify) charges the fee without raising what is covered.
   */
  public void charge(String consumer, BigInteger fee, InferenceEvent.PaymentVoucher voucher) {
    if (fee.signum() <= 0) {
      throw new IllegalArgumentException("fee must be positive: " + fee);
    }
    String key = consumer.toLowerCase(Locale.ROOT);
    charged.merge(key, fee, BigInteger::add);
    InferenceEvent.PaymentVoucher known = vouchers.get(key);
    if (voucher != null
        && (known == null || voucher.cumulativeAmount().compareTo(known.cumulativeAmount()) > 0)) {
      vouchers.put(key, voucher);
    }
    active.put(key, true);
  }

  /** The consumer's cumulative charges so far (zero if never charged). */
  public BigInteger charged(String consumer) {
    return charged.getOrDefault(consumer.toLowerCase(Locale.ROOT), BigInteger.ZERO);
  }

  /** The consumer's highest valid voucher so far, or null. */
  public InferenceEvent.PaymentVoucher voucher(String consumer) {
    return vouchers.get(consumer.toLowerCase(Locale.ROOT));
  }

  /**
   * Closes the open epoch: one redemption per consumer charged in it, for its cumulative charges,
   * sorted by consumer. A consumer whose highest voucher does not cover them, or who has no valid
   * voucher (records the attribution job did not write), is left out and reported as uncovered
   * rather than sent to the chain, where it would revert the whole batch.
   */
  public ClosedEpoch closeEpoch() {
    List<Redemption> out = new ArrayList<>(active.size());
    Map<String, BigInteger> uncovered = new TreeMap<>();
    for (String consumer : active.keySet()) {
      BigInteger total = charged.get(consumer);
      InferenceEvent.PaymentVoucher v = vouchers.get(consumer);
      if (v == null || total.compareTo(v.cumulativeAmount()) > 0) {
        uncovered.put(consumer, v == null ? total : total.subtract(v.cumulativeAmount()));
        continue;
      }
      out.add(
          new Redemption(
              new SignedVoucher(
                  new Voucher(consumer, v.cumulativeAmount(), v.expiry()), v.signature()),
              total));
    }
    active.clear();
    return new ClosedEpoch(out, uncovered);
  }

  /**
   * @param redemptions the batch to redeem, one entry per consumer charged in the epoch
   * @param uncovered consumers whose charges exceed their highest voucher, and by how much
   */
  public record ClosedEpoch(List<Redemption> redemptions, Map<String, BigInteger> uncovered) {
    public ClosedEpoch {
      redemptions = List.copyOf(redemptions);
      uncovered = Map.copyOf(uncovered);
    }
  }
}
