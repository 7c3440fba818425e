package io.payable.wire.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.wire.inference.InvalidInferenceBatchException.Reason;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;

class InferenceEventEnvelopeTest {

  static final ECKeyPair WORKER = ECKeyPair.create(BigInteger.valueOf(0x5eed_0001L));
  static final ECKeyPair OTHER = ECKeyPair.create(BigInteger.valueOf(0x5eed_0002L));
  static final String WORKER_ADDR = InferenceEventEnvelope.address(WORKER);

  static InferenceEvent event(String id, String text, BigInteger fee) {
    Instant t = Instant.ofEpochMilli(1_795_000_000_000L);
    return new InferenceEvent(
        id,
        WORKER_ADDR,
        "tiny-base",
        "adapter-7",
        "v1",
        "0x00000000000000000000000000000000000000aa",
        fee,
        InferenceEvent.PriceBasis.PER_OUTPUT_TOKEN,
        BigInteger.TEN,
        text,
        3,
        5,
        t,
        t.plusMillis(4),
        t.plusMillis(20));
  }

  @Provide
  Arbitrary<List<InferenceEvent>> batches() {
    Arbitrary<InferenceEvent> one =
        Combinators.combine(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(20),
                // Any well-formed text: the BMP without surrogates plus paired supplementary
                // characters.
                Arbitraries.strings()
                    .withCharRange('\u0000', '\uD7FF')
                    .withCharRange('\uE000', '\uFFFF')
                    .ofMaxLength(200)
                    .map(t -> t.isEmpty() ? t : t + "\uD83D\uDE00"),
                Arbitraries.bigIntegers()
                    .between(
                        BigInteger.ZERO, InferenceEvent.UINT256_LIMIT.subtract(BigInteger.ONE)),
                Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.longs().between(0, 4_000_000_000_000L))
            .as(
                (id, text, fee, toks, ms) ->
                    new InferenceEvent(
                        id,
                        WORKER_ADDR,
                        "m",
                        "a-" + id,
                        "v",
                        "c",
                        fee,
                        InferenceEvent.PriceBasis.PER_TOTAL_TOKEN,
                        fee.shiftRight(3),
                        text,
                        toks,
                        toks / 2,
                        Instant.ofEpochMilli(ms),
                        Instant.ofEpochMilli(ms + 1),
                        Instant.ofEpochMilli(ms + 2)));
    return one.list().ofMinSize(1).ofMaxSize(20);
  }

  static final String SIGNATURE = "0x" + "ab".repeat(64) + "1b";

  /** Batches in which every event carries a voucher (schema version 2). */
  @Provide
  Arbitrary<List<InferenceEvent>> paidBatches() {
    return Combinators.combine(
            batches(),
            Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, InferenceEvent.UINT256_LIMIT.subtract(BigInteger.ONE)),
            Arbitraries.longs().between(0, Long.MAX_VALUE))
        .as(
            (events, amount, expiry) ->
                events.stream()
                    .map(
                        e ->
                            e.withVoucher(
                                new InferenceEvent.PaymentVoucher(amount, expiry, SIGNATURE)))
                    .toList());
  }

  @Property(tries = 100)
  void paidBatchesRoundTripAsVersion2(@ForAll("paidBatches") List<InferenceEvent> events)
      throws Exception {
    byte[] record = InferenceEventEnvelope.sign(events, WORKER);
    assertThat(InferenceEventEnvelope.verify(record, Set.of(WORKER_ADDR)).events())
        .isEqualTo(events);
    byte[] payload = InferenceEventCodec.encode(events);
    assertThat(new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("voucher_signature");
    assertThat(InferenceEventCodec.decode(payload)).isEqualTo(events);
  }

  @Property(tries = 300)
  void mutatedPaidRecordsOnlyEverThrowTheTypedException(
      @ForAll("paidBatches") List<InferenceEvent> events,
      @ForAll @Size(min = 1, max = 8) List<Integer> positions,
      @ForAll byte value) {
    byte[] payload = InferenceEventCodec.encode(events);
    for (int p : positions) {
      payload[Math.floorMod(p, payload.length)] ^= (byte) (value | 1);
    }
    expectTypedOrSuccess(() -> InferenceEventCodec.decode(payload));
    assertThat(InferenceEventCodec.allocatedBytes()).isZero();
  }

  @Test
  void unpaidBatchesStayVersion1AndMixedBatchesAreRefused() throws Exception {
    InferenceEvent unpaid = event("a", "text", BigInteger.TEN);
    byte[] payload = InferenceEventCodec.encode(List.of(unpaid));
    assertThat(new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("voucher");
    assertThat(InferenceEventCodec.decode(payload)).containsExactly(unpaid);
    InferenceEvent paid =
        event("b", "text", BigInteger.TEN)
            .withVoucher(new InferenceEvent.PaymentVoucher(BigInteger.TEN, 1, SIGNATURE));
    assertThatThrownBy(() -> InferenceEventCodec.encode(List.of(unpaid, paid)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InferenceEvent.PaymentVoucher(BigInteger.ONE, 1, "0x1234"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 200)
  void signedRoundTrip(@ForAll("batches") List<InferenceEvent> events) throws Exception {
    byte[] record = InferenceEventEnvelope.sign(events, WORKER);
    SignedInferenceBatch batch = InferenceEventEnvelope.verify(record, Set.of(WORKER_ADDR));
    assertThat(batch.signer()).isEqualTo(WORKER_ADDR);
    assertThat(batch.events()).isEqualTo(events);
    assertThat(InferenceEventCodec.decode(InferenceEventCodec.encode(events))).isEqualTo(events);
  }

  @Property(tries = 2000)
  void randomBytesOnlyEverThrowTheTypedException(@ForAll @Size(max = 600) byte[] bytes) {
    expectTypedOrSuccess(() -> InferenceEventEnvelope.verify(bytes));
    expectTypedOrSuccess(() -> InferenceEventCodec.decode(bytes));
  }

  @Property(tries = 1000)
  void mutatedValidRecordsOnlyEverThrowTheTypedException(
      @ForAll("batches") List<InferenceEvent> events,
      @ForAll @Size(min = 1, max = 8) List<Integer> positions,
      @ForAll byte value) {
    byte[] payload = InferenceEventCodec.encode(events);
    for (int p : positions) {
      payload[Math.floorMod(p, payload.length)] ^= (byte) (value | 1);
    }
    // Exercise the Arrow reader itself (the signature would stop a mutated signed record first).
    expectTypedOrSuccess(() -> InferenceEventCodec.decode(payload));
    byte[] truncated = java.util.Arrays.copyOf(payload, Math.floorMod(value, payload.length));
    expectTypedOrSuccess(() -> InferenceEventCodec.decode(truncated));
    // Failed decodes must release every Arrow buffer (a leak per bad record would add up).
    assertThat(InferenceEventCodec.allocatedBytes()).isZero();
  }

  interface Call {
    Object call() throws Exception;
  }

  static void expectTypedOrSuccess(Call c) {
    try {
      c.call();
    } catch (InvalidInferenceBatchException e) {
      assertThat(e.reason()).isNotNull();
    } catch (Throwable t) {
      throw new AssertionError("decoder leaked " + t, t);
    }
  }

  @Test
  void tamperedPayloadIsDetected() {
    byte[] record =
        InferenceEventEnvelope.sign(List.of(event("e1", "hello", BigInteger.TWO)), WORKER);
    // Flip one byte in the payload: the recovered signer changes, so the registry check fails.
    record[record.length - 20] ^= 1;
    assertThatThrownBy(() -> InferenceEventEnvelope.verify(record, Set.of(WORKER_ADDR)))
        .isInstanceOf(InvalidInferenceBatchException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInferenceBatchException) e).reason())
                    .isIn(Reason.UNKNOWN_WORKER, Reason.BAD_SIGNATURE));
  }

  @Test
  void forgedFeeIsDetected() throws Exception {
    byte[] honest =
        InferenceEventEnvelope.sign(List.of(event("e1", "hi", BigInteger.valueOf(50))), WORKER);
    byte[] forgedPayload =
        InferenceEventCodec.encode(List.of(event("e1", "hi", BigInteger.valueOf(5_000_000))));
    byte[] forged = new byte[InferenceEventEnvelope.HEADER_SIZE + forgedPayload.length];
    System.arraycopy(honest, 0, forged, 0, InferenceEventEnvelope.HEADER_SIZE);
    System.arraycopy(
        forgedPayload, 0, forged, InferenceEventEnvelope.HEADER_SIZE, forgedPayload.length);
    assertThatThrownBy(() -> InferenceEventEnvelope.verify(forged, Set.of(WORKER_ADDR)))
        .isInstanceOf(InvalidInferenceBatchException.class);
  }

  @Test
  void wrongSignerIsDetected() throws Exception {
    // OTHER signs events claiming to come from WORKER: refused even with OTHER registered.
    byte[] payload = InferenceEventCodec.encode(List.of(event("e1", "x", BigInteger.ONE)));
    byte[] signedByOther = resign(payload, OTHER);
    assertThatThrownBy(
            () ->
                InferenceEventEnvelope.verify(
                    signedByOther, Set.of(WORKER_ADDR, InferenceEventEnvelope.address(OTHER))))
        .isInstanceOfSatisfying(
            InvalidInferenceBatchException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WORKER_MISMATCH));
    assertThatThrownBy(() -> InferenceEventEnvelope.verify(signedByOther, Set.of(WORKER_ADDR)))
        .isInstanceOfSatisfying(
            InvalidInferenceBatchException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_WORKER));
  }

  @Test
  void signingRefusesEventsOfAnotherWorker() {
    assertThatThrownBy(
            () -> InferenceEventEnvelope.sign(List.of(event("e", "x", BigInteger.ONE)), OTHER))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void versionAndMagicAreChecked() {
    byte[] record = InferenceEventEnvelope.sign(List.of(event("e", "x", BigInteger.ONE)), WORKER);
    byte[] v2 = record.clone();
    v2[4] = 2;
    assertThatThrownBy(() -> InferenceEventEnvelope.verify(v2))
        .isInstanceOfSatisfying(
            InvalidInferenceBatchException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_VERSION));
    byte[] magic = record.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> InferenceEventEnvelope.verify(magic))
        .isInstanceOfSatisfying(
            InvalidInferenceBatchException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC));
  }

  @Test
  void textThatIsNotUnicodeIsRefusedRatherThanAltered() {
    // A lone surrogate has no UTF-8 form; silently writing '?' would sign a different text.
    assertThatThrownBy(
            () ->
                InferenceEventCodec.encode(List.of(event("e", "bad \uD800 text", BigInteger.ONE))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output_text");
  }

  @Test
  void largeFeesSurviveExactly() throws Exception {
    BigInteger max = InferenceEvent.UINT256_LIMIT.subtract(BigInteger.ONE);
    List<InferenceEvent> events = new ArrayList<>();
    events.add(event("max", "€ unicode ✓", max));
    SignedInferenceBatch b =
        InferenceEventEnvelope.verify(InferenceEventEnvelope.sign(events, WORKER));
    assertThat(b.events().get(0).feeWei()).isEqualTo(max);
  }

  static byte[] resign(byte[] payload, ECKeyPair key) {
    org.web3j.crypto.Sign.SignatureData sig =
        org.web3j.crypto.Sign.signPrefixedMessage(org.web3j.crypto.Hash.sha3(payload), key);
    java.nio.ByteBuffer out =
        java.nio.ByteBuffer.allocate(InferenceEventEnvelope.HEADER_SIZE + payload.length);
    out.put(InferenceEventEnvelope.MAGIC).put((byte) 1);
    out.put(sig.getR()).put(sig.getS()).put(sig.getV()).put(payload);
    return out.array();
  }
}
