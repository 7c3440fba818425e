package io.payable.lora.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.contracts.client.EscrowAccount;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Vouchers of concurrent requests may arrive out of the order they were signed in: the highest
 * voucher seen counts for every later request, and the total reserved never exceeds it.
 */
class PaymentGateTest {

  private static final Credentials CONSUMER =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  private static final Eip712Domain DOMAIN =
      VoucherSignatures.domain(31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3");
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC);

  private final PaymentGate gate =
      new PaymentGate(
          DOMAIN,
          consumer ->
              new EscrowAccount(BigInteger.valueOf(1_000), BigInteger.ZERO, BigInteger.ZERO, 0),
          CLOCK);

  private static String voucher(long amount, long expiry) {
    return SignedVoucher.sign(
            DOMAIN,
            new Voucher(CONSUMER.getAddress(), BigInteger.valueOf(amount), expiry),
            CONSUMER)
        .toHeader();
  }

  @Test
  void anEarlierSignedVoucherArrivingLateIsCoveredByTheLaterOne() {
    String first = voucher(21, 2_000); // signed for request A alone
    String second = voucher(45, 2_000); // signed next, for A and B together
    PaymentGate.Reservation b = gate.reserve(second, BigInteger.valueOf(24));
    // A's own voucher (21) does not cover B's running 24 plus A's 21; the 45 already seen does.
    PaymentGate.Reservation a = gate.reserve(first, BigInteger.valueOf(21));
    assertThat(a.voucher().voucher().cumulativeAmount()).isEqualTo(BigInteger.valueOf(45));
    // Nothing more fits under 45 while both run.
    assertThatThrownBy(() -> gate.reserve(second, BigInteger.ONE))
        .isInstanceOfSatisfying(
            PaymentRequiredException.class,
            e -> assertThat(e.reason()).isEqualTo(PaymentReason.INSUFFICIENT_VOUCHER));
    b.settle(BigInteger.valueOf(20));
    a.settle(BigInteger.valueOf(21));
    assertThat(gate.charged(CONSUMER.getAddress())).isEqualTo(BigInteger.valueOf(41));
    // 4 wei of the 45 remain for a next request.
    gate.reserve(first, BigInteger.valueOf(4)).settle(BigInteger.valueOf(4));
    assertThat(gate.charged(CONSUMER.getAddress())).isEqualTo(BigInteger.valueOf(45));
  }

  @Test
  void aRestartedWorkerCountsFromWhatItChargedBeforeNotFromTheRedeemedAmount() {
    // The first run charged 41 wei against a voucher of 45; none of it is redeemed yet.
    PaymentGate first = new PaymentGate(DOMAIN, consumer -> account(1_000, 0), CLOCK);
    first.reserve(voucher(45, 2_000), BigInteger.valueOf(45)).settle(BigInteger.valueOf(41));
    var kept = first.chargedByConsumer();
    assertThat(kept)
        .containsExactly(java.util.Map.entry(CONSUMER.getAddress(), BigInteger.valueOf(41)));

    PaymentGate restarted = new PaymentGate(DOMAIN, consumer -> account(1_000, 0), CLOCK);
    kept.forEach(restarted::restoreCharged);
    // The old voucher is used up but for 4 wei: a replay of it buys no more than that.
    assertThatThrownBy(() -> restarted.reserve(voucher(45, 2_000), BigInteger.valueOf(5)))
        .isInstanceOfSatisfying(
            PaymentRequiredException.class,
            e -> assertThat(e.reason()).isEqualTo(PaymentReason.INSUFFICIENT_VOUCHER));
    restarted.reserve(voucher(45, 2_000), BigInteger.valueOf(4)).settle(BigInteger.valueOf(4));
    restarted.reserve(voucher(60, 2_000), BigInteger.valueOf(15)).settle(BigInteger.valueOf(10));
    assertThat(restarted.charged(CONSUMER.getAddress())).isEqualTo(BigInteger.valueOf(55));
    // A restore below what the gate counts (or below the redeemed amount) changes nothing.
    restarted.restoreCharged(
        CONSUMER.getAddress().toUpperCase(java.util.Locale.ROOT).replace("0X", "0x"),
        BigInteger.ONE);
    assertThat(restarted.charged(CONSUMER.getAddress())).isEqualTo(BigInteger.valueOf(55));
  }

  private static EscrowAccount account(long balance, long redeemed) {
    return new EscrowAccount(
        BigInteger.valueOf(balance), BigInteger.valueOf(redeemed), BigInteger.ZERO, 0);
  }

  @Test
  void anExpiredBestVoucherNoLongerCounts() {
    Instant[] now = {Instant.ofEpochSecond(1_000)};
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    PaymentGate gate =
        new PaymentGate(
            DOMAIN,
            consumer ->
                new EscrowAccount(BigInteger.valueOf(1_000), BigInteger.ZERO, BigInteger.ZERO, 0),
            clock);
    gate.reserve(voucher(100, 1_500), BigInteger.TEN).settle(BigInteger.TEN);
    now[0] = Instant.ofEpochSecond(1_600);
    // The 100-wei voucher has expired; a fresh 15-wei one does not cover charged 10 plus 10.
    assertThatThrownBy(() -> gate.reserve(voucher(15, 5_000), BigInteger.TEN))
        .isInstanceOfSatisfying(
            PaymentRequiredException.class,
            e -> assertThat(e.reason()).isEqualTo(PaymentReason.INSUFFICIENT_VOUCHER));
    gate.reserve(voucher(20, 5_000), BigInteger.TEN).settle(BigInteger.TEN);
    assertThat(gate.charged(CONSUMER.getAddress())).isEqualTo(BigInteger.valueOf(20));
  }
}
