package io.payable.lora.payment;

import io.payable.contracts.client.EscrowAccount;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.VoucherSignatures;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a consumer has paid for a request, before it runs. A request is served only when
 * the consumer's voucher (signed in the escrow's EIP-712 domain, not expired) covers everything
 * this worker has charged the consumer so far, plus what running requests may still cost, plus this
 * request's maximum fee ({@code max_tokens x price}); and when the consumer's deposit, less a
 * pending withdrawal, covers the same amount beyond what was already redeemed. The maximum is
 * reserved until the request ends and then replaced by the actual fee, so concurrent requests of
 * one consumer can never together spend more than the voucher allows.
 *
 * <p>The voucher that counts is the highest unexpired one the consumer has sent this worker: a
 * client signing for concurrent requests signs them in one order, but they may arrive in another.
 * The event of a request carries that voucher.
 *
 * <p>What a consumer was charged starts, the first time a worker sees it, at what the escrow has
 * redeemed from it: charges of earlier runs that are not yet redeemed are not known here, which the
 * attribution job covers by rejecting events whose voucher does not cover the consumer's cumulative
 * charges ({@code unpaid}).
 */
public final class PaymentGate {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentGate.class);

  private final Eip712Domain domain;
  private final EscrowView escrow;
  private final Clock clock;
  private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();

  /** One consumer's charges on this worker; guarded by its own monitor. */
  private static final class Ledger {
    BigInteger charged;
    BigInteger reserved = BigInteger.ZERO;
    // The highest voucher seen: vouchers signed in one order may arrive in another (concurrent
    // requests), and a later-signed one already authorises the earlier one's request.
    SignedVoucher best;

    Ledger(BigInteger charged) {
      this.charged = charged;
    }
  }

  public PaymentGate(Eip712Domain domain, EscrowView escrow, Clock clock) {
    this.domain = Objects.requireNonNull(domain, "domain");
    this.escrow = Objects.requireNonNull(escrow, "escrow");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Eip712Domain domain() {
    return domain;
  }

  /**
   * Checks the voucher of a request whose fee is at most {@code maxFee} and reserves that much.
   *
   * @param voucherHeader the {@code X-Payable-Voucher} header, or null
   * @throws PaymentRequiredException with the reason when the request is not paid for
   * @throws EscrowUnavailableException when the escrow cannot be read
   */
  public Reservation reserve(String voucherHeader, BigInteger maxFee) {
    if (voucherHeader == null || voucherHeader.isBlank()) {
      throw new PaymentRequiredException(
          PaymentReason.NO_VOUCHER,
          "This worker serves paid requests only: send a voucher in the "
              + SignedVoucher.HEADER
              + " header.");
    }
    SignedVoucher signed;
    try {
      signed = SignedVoucher.parse(voucherHeader);
    } catch (IllegalArgumentException e) {
      throw new PaymentRequiredException(
          PaymentReason.BAD_SIGNATURE, "Malformed voucher: " + e.getMessage());
    }
    if (!VoucherSignatures.isValid(domain, signed.voucher(), signed.signature())) {
      throw new PaymentRequiredException(
          PaymentReason.BAD_SIGNATURE,
          "The voucher is not signed by "
              + signed.voucher().consumer()
              + " for the escrow "
              + domain.verifyingContract()
              + " on chain "
              + domain.chainId()
              + ".");
    }
    long now = clock.instant().getEpochSecond();
    if (signed.voucher().expiry() <= now) {
      throw new PaymentRequiredException(
          PaymentReason.EXPIRED,
          "The voucher expired at " + signed.voucher().expiry() + " (now " + now + ").");
    }
    String consumer = signed.voucher().consumer();
    EscrowAccount account;
    try {
      account = escrow.account(consumer);
    } catch (Exception e) {
      LOG.warn("cannot read the escrow account of {}: {}", consumer, e.toString());
      throw new EscrowUnavailableException("The consumer's deposit cannot be read now.", e);
    }
    Ledger ledger = ledgers.computeIfAbsent(consumer, c -> new Ledger(account.redeemed()));
    synchronized (ledger) {
      if (ledger.charged.compareTo(account.redeemed()) < 0) {
        ledger.charged = account.redeemed();
      }
      BigInteger needed = ledger.charged.add(ledger.reserved).add(maxFee);
      if (ledger.best != null
          && ledger.best.voucher().expiry() > now
          && ledger.best.voucher().cumulativeAmount().compareTo(signed.voucher().cumulativeAmount())
              > 0) {
        signed = ledger.best;
      }
      BigInteger signedAmount = signed.voucher().cumulativeAmount();
      if (signedAmount.compareTo(needed) < 0) {
        throw new PaymentRequiredException(
            PaymentReason.INSUFFICIENT_VOUCHER,
            "The voucher authorises "
                + signedAmount
                + " wei; this request needs a voucher of at least "
                + needed
                + " wei (charged "
                + ledger.charged
                + ", running "
                + ledger.reserved
                + ", this request at most "
                + maxFee
                + ").");
      }
      BigInteger covered = account.redeemed().add(account.available());
      if (covered.compareTo(needed) < 0) {
        throw new PaymentRequiredException(
            PaymentReason.INSUFFICIENT_DEPOSIT,
            "The deposit covers a cumulative "
                + covered
                + " wei (redeemed "
                + account.redeemed()
                + ", available "
                + account.available()
                + "); this request needs "
                + needed
                + " wei. Deposit more OPEN.");
      }
      ledger.reserved = ledger.reserved.add(maxFee);
      ledger.best = signed;
      return new Reservation(ledger, signed, maxFee);
    }
  }

  /** What this worker has charged {@code consumer} so far (completed requests only). */
  public BigInteger charged(String consumer) {
    Ledger ledger = ledgers.get(consumer.toLowerCase(java.util.Locale.ROOT));
    if (ledger == null) {
      return BigInteger.ZERO;
    }
    synchronized (ledger) {
      return ledger.charged;
    }
  }

  /**
   * What this worker has charged each consumer it has seen (completed requests only), by lower-case
   * address: the totals a restarted worker takes up again with {@link #restoreCharged}.
   */
  public Map<String, BigInteger> chargedByConsumer() {
    Map<String, BigInteger> out = new java.util.TreeMap<>();
    ledgers.forEach(
        (consumer, ledger) -> {
          synchronized (ledger) {
            out.put(consumer, ledger.charged);
          }
        });
    return out;
  }

  /**
   * Counts {@code consumer}'s charges from {@code charged} on, when that is more than this gate
   * knows: what this worker charged the consumer before it restarted. Without it a restarted worker
   * would count from what the escrow has redeemed, forget the charges not redeemed yet, and serve
   * against vouchers that those charges already used up.
   */
  public void restoreCharged(String consumer, BigInteger charged) {
    Objects.requireNonNull(charged, "charged");
    if (charged.signum() < 0) {
      throw new IllegalArgumentException("negative charges " + charged + " for " + consumer);
    }
    Ledger ledger =
        ledgers.computeIfAbsent(
            consumer.toLowerCase(java.util.Locale.ROOT), c -> new Ledger(BigInteger.ZERO));
    synchronized (ledger) {
      ledger.charged = ledger.charged.max(charged);
    }
  }

  /** A reserved maximum fee of one request; {@link #settle} or {@link #release} it exactly once. */
  public static final class Reservation {
    private final Ledger ledger;
    private final SignedVoucher voucher;
    private final BigInteger maxFee;
    private boolean done;

    private Reservation(Ledger ledger, SignedVoucher voucher, BigInteger maxFee) {
      this.ledger = ledger;
      this.voucher = voucher;
      this.maxFee = maxFee;
    }

    public SignedVoucher voucher() {
      return voucher;
    }

    public String consumer() {
      return voucher.voucher().consumer();
    }

    public BigInteger maxFee() {
      return maxFee;
    }

    /**
     * Charges {@code fee} (at most the reserved maximum) and frees the reservation; returns the
     * consumer's charged total on this worker after it.
     */
    public BigInteger settle(BigInteger fee) {
      if (fee.signum() < 0 || fee.compareTo(maxFee) > 0) {
        throw new IllegalArgumentException("fee " + fee + " is outside the reserved 0.." + maxFee);
      }
      synchronized (ledger) {
        if (done) {
          throw new IllegalStateException("reservation already settled or released");
        }
        done = true;
        ledger.reserved = ledger.reserved.subtract(maxFee);
        ledger.charged = ledger.charged.add(fee);
        return ledger.charged;
      }
    }

    /** Frees the reservation without a charge (the request failed before it produced tokens). */
    public void release() {
      synchronized (ledger) {
        if (!done) {
          done = true;
          ledger.reserved = ledger.reserved.subtract(maxFee);
        }
      }
    }
  }
}
