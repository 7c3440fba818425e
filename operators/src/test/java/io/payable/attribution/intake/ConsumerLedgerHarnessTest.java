package io.payable.attribution.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.params.AttributionParams;
import io.payable.attribution.split.FeeSplitParams;
import io.payable.attribution.trace.AdapterInfo;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import io.payable.wire.inference.InferenceEvent;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * The consumer ledger in Flink's operator harness, with real EIP-712 voucher signatures: an event
 * passes only while the consumer's highest voucher covers its cumulative charges (also across a
 * checkpoint and restore), forged or foreign vouchers are {@code unpaid}, inputs = passed +
 * rejected.
 */
class ConsumerLedgerHarnessTest {

  private static final long CHAIN = 31337;
  private static final String ESCROW = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  private static final Credentials ALICE =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  private static final Credentials BOB =
      Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
  private static final AdapterInfo ADAPTER =
      new AdapterInfo("moby-lora", "0xowner", List.of("moby"), Map.of());
  private static final AttributionParams PARAMS =
      new AttributionParams(new FeeSplitParams(7000, 1500, 1000, 500), 100, 8, 1000, 3_600_000);

  private static KeyedOneInputStreamOperatorTestHarness<
          String, AttributionRequest, AttributionRequest>
      harness(boolean requireVoucher) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new ConsumerLedger(requireVoucher, CHAIN, ESCROW)),
        ConsumerLedger::key,
        Types.STRING);
  }

  private static int offset;

  private static StreamRecord<AttributionRequest> paid(
      String id, Credentials consumer, long fee, long voucher, Credentials signer, long chain) {
    String address = consumer.getAddress();
    String signature =
        VoucherSignatures.sign(
            VoucherSignatures.domain(chain, ESCROW),
            new Voucher(address, BigInteger.valueOf(voucher), 2_000_000_000L),
            signer);
    return request(
        id,
        address,
        fee,
        new InferenceEvent.PaymentVoucher(BigInteger.valueOf(voucher), 2_000_000_000L, signature));
  }

  private static StreamRecord<AttributionRequest> paid(
      String id, Credentials consumer, long fee, long voucher) {
    return paid(id, consumer, fee, voucher, consumer, CHAIN);
  }

  private static StreamRecord<AttributionRequest> request(
      String id, String consumer, long fee, InferenceEvent.PaymentVoucher voucher) {
    Instant done = Instant.parse("2026-11-29T10:15:30Z");
    InferenceEvent e =
        new InferenceEvent(
                id,
                "0x00000000000000000000000000000000000000aa",
                "llama",
                "moby-lora",
                "v1",
                consumer,
                BigInteger.valueOf(fee),
                InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
                BigInteger.ONE,
                "some output",
                3,
                4,
                done.minusSeconds(2),
                done.minusSeconds(1),
                done)
            .withVoucher(voucher);
    RawRecord source = new RawRecord("inference.events", 2, offset++, 0, new byte[0]);
    return new StreamRecord<>(
        new AttributionRequest(e, "0xoperator", ADAPTER, PARAMS, 1L, source, null, null));
  }

  private static List<String> charged(
      KeyedOneInputStreamOperatorTestHarness<String, AttributionRequest, AttributionRequest> h) {
    List<String> out = new ArrayList<>();
    for (AttributionRequest r : h.extractOutputValues()) {
      out.add(r.eventId() + "=" + r.consumerCharged());
    }
    return out;
  }

  private static List<Rejection> rejections(
      KeyedOneInputStreamOperatorTestHarness<String, AttributionRequest, AttributionRequest> h) {
    List<Rejection> out = new ArrayList<>();
    var side = h.getSideOutput(Rejections.TAG);
    if (side != null) {
      side.forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  @Test
  void chargesAccumulatePerConsumerUpToTheVoucherAlsoAfterARestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var before = harness(true)) {
      before.open();
      before.processElement(paid("a-1", ALICE, 40, 100));
      before.processElement(paid("b-1", BOB, 90, 100));
      before.processElement(paid("a-2", ALICE, 40, 100));
      before.processElement(paid("a-3", ALICE, 40, 100)); // 120 > 100
      before.processElement(paid("a-4", ALICE, 20, 100)); // exactly 100
      assertThat(charged(before)).containsExactly("a-1=40", "b-1=90", "a-2=80", "a-4=100");
      assertThat(rejections(before))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.reason()).isEqualTo("unpaid");
                assertThat(r.detail())
                    .isEqualTo("event a-3: charges 80 + fee 40 exceed the voucher's 100");
                assertThat(r.topic()).isEqualTo("inference.events");
                assertThat(r.partition()).isEqualTo(2);
              });
      snapshot = before.snapshot(1, 1);
    }
    try (var after = harness(true)) {
      after.initializeState(snapshot);
      after.open();
      after.processElement(paid("a-5", ALICE, 1, 100));
      after.processElement(paid("a-6", ALICE, 50, 150));
      after.processElement(paid("b-2", BOB, 10, 100));
      assertThat(charged(after)).containsExactly("a-6=150", "b-2=100");
      assertThat(rejections(after)).extracting(Rejection::reason).containsExactly("unpaid");
    }
  }

  @Test
  void theHighestVoucherBoundsEventsArrivingOutOfOrder() throws Exception {
    try (var h = harness(true)) {
      h.open();
      h.processElement(paid("late-voucher", ALICE, 100, 200));
      h.processElement(paid("early-voucher", ALICE, 100, 100));
      h.processElement(paid("over", ALICE, 1, 100));
      assertThat(charged(h)).containsExactly("late-voucher=100", "early-voucher=200");
      // Both carry the 200 voucher: the one settlement redeems with covers every charge.
      assertThat(h.extractOutputValues())
          .extracting(r -> r.consumerVoucher().cumulativeAmount())
          .containsExactly(BigInteger.valueOf(200), BigInteger.valueOf(200));
      assertThat(h.extractOutputValues().get(1).consumerVoucher())
          .isEqualTo(h.extractOutputValues().get(0).event().voucher());
      assertThat(rejections(h)).extracting(Rejection::reason).containsExactly("unpaid");
    }
  }

  @Test
  void forgedForeignOrMissingVouchersAreUnpaidAndTheCountsReconcile() throws Exception {
    try (var h = harness(true)) {
      h.open();
      List<StreamRecord<AttributionRequest>> inputs =
          List.of(
              paid("forged", ALICE, 10, 1000, BOB, CHAIN),
              paid("other-chain", ALICE, 10, 1000, ALICE, 1),
              request("no-voucher", ALICE.getAddress(), 10, null),
              request(
                  "not-an-address",
                  "account-7",
                  10,
                  new InferenceEvent.PaymentVoucher(BigInteger.TEN, 1, "0x" + "ab".repeat(65))),
              paid("good", ALICE, 10, 10));
      for (var in : inputs) {
        h.processElement(in);
      }
      // Refused events charge nothing: the good one is charged from zero.
      assertThat(charged(h)).containsExactly("good=10");
      assertThat(rejections(h))
          .extracting(Rejection::detail)
          .containsExactly(
              "event forged: voucher not signed by the consumer in the escrow's domain",
              "event other-chain: voucher not signed by the consumer in the escrow's domain",
              "event no-voucher: no voucher",
              "event not-an-address: a voucher needs a consumer address, not account-7");
      assertThat(h.extractOutputValues().size() + rejections(h).size()).isEqualTo(inputs.size());
    }
  }

  @Test
  void withoutRequiredVouchersAnEventWithoutOnePassesUncharged() throws Exception {
    try (var h = harness(false)) {
      h.open();
      h.processElement(request("free", "account-7", 10, null));
      h.processElement(paid("paid", ALICE, 10, 10));
      assertThat(charged(h)).containsExactly("free=null", "paid=10");
      assertThat(rejections(h)).isEmpty();
    }
  }
}
