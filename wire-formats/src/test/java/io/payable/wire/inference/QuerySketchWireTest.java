package io.payable.wire.inference;

import static io.payable.wire.inference.InferenceEventEnvelopeTest.SIGNATURE;
import static io.payable.wire.inference.InferenceEventEnvelopeTest.WORKER;
import static io.payable.wire.inference.InferenceEventEnvelopeTest.WORKER_ADDR;
import static io.payable.wire.inference.InferenceEventEnvelopeTest.expectTypedOrSuccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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

/** The optional query sketch of an event on the wire (schema versions 3 and 4). */
class QuerySketchWireTest {

  private static final int[] P = {1, 2};

  private final InferenceEventEnvelopeTest events = new InferenceEventEnvelopeTest();

  @Provide
  Arbitrary<QuerySketch> sketches() {
    // Finite bfloat16 values only: exponent bits not all ones.
    Arbitrary<Short> finite = Arbitraries.shorts().filter(b -> ((b >>> 7) & 0xFF) != 0xFF);
    return finite
        .array(short[].class)
        .ofMinSize(1)
        .ofMaxSize(64)
        .map(bits -> QuerySketch.ofBits(bits, new int[] {1, bits.length, 128_000}));
  }

  /** Batches in which some events carry a sketch, paid or not. */
  @Provide
  Arbitrary<List<InferenceEvent>> sketchedBatches() {
    return Combinators.combine(
            events.batches(),
            sketches().injectNull(0.3).list().ofMinSize(20).ofMaxSize(20),
            Arbitraries.of(true, false))
        .as(
            (batch, sketches, paid) -> {
              List<InferenceEvent> out = new ArrayList<>();
              for (int i = 0; i < batch.size(); i++) {
                InferenceEvent e = batch.get(i).withQuerySketch(sketches.get(i));
                out.add(
                    paid
                        ? e.withVoucher(
                            new InferenceEvent.PaymentVoucher(BigInteger.TEN, 7, SIGNATURE))
                        : e);
              }
              return out;
            });
  }

  @Property(tries = 200)
  void sketchedBatchesRoundTripSigned(@ForAll("sketchedBatches") List<InferenceEvent> batch)
      throws Exception {
    byte[] record = InferenceEventEnvelope.sign(batch, WORKER);
    assertThat(InferenceEventEnvelope.verify(record, Set.of(WORKER_ADDR)).events())
        .isEqualTo(batch);
    boolean anySketch = batch.stream().anyMatch(e -> e.querySketch() != null);
    assertThat(
            new String(InferenceEventCodec.encode(batch), StandardCharsets.ISO_8859_1)
                .contains("query_sketch"))
        .isEqualTo(anySketch);
  }

  @Property(tries = 300)
  void mutatedSketchedRecordsOnlyEverThrowTheTypedException(
      @ForAll("sketchedBatches") List<InferenceEvent> batch,
      @ForAll @Size(min = 1, max = 8) List<Integer> positions,
      @ForAll byte value) {
    byte[] payload = InferenceEventCodec.encode(batch);
    for (int p : positions) {
      payload[Math.floorMod(p, payload.length)] ^= (byte) (value | 1);
    }
    expectTypedOrSuccess(() -> InferenceEventCodec.decode(payload));
    assertThat(InferenceEventCodec.allocatedBytes()).isZero();
  }

  @Test
  void valuesDecodeExactlyFromLittleEndianBfloat16() {
    // 1.0f = 0x3F80_0000, -2.5f = 0xC020_0000: their upper halves are the bfloat16 bits.
    QuerySketch s =
        QuerySketch.ofBytes(new byte[] {(byte) 0x80, 0x3F, 0x20, (byte) 0xC0}, new int[] {7});
    assertThat(s.values()).containsExactly(1.0f, -2.5f);
    assertThat(s.dimension()).isEqualTo(2);
    assertThat(QuerySketch.ofBits(new short[] {0x3F80, (short) 0xC020}, new int[] {7}))
        .isEqualTo(s);
    assertThat(QuerySketch.ofBits(new short[] {0x3F80, (short) 0xC020}, new int[] {8}))
        .isNotEqualTo(s);
    assertThat(s.promptBytes()).containsExactly(7, 0, 0, 0);
  }

  @Test
  void refusesEmptyOddOversizedAndNonFiniteSketches() {
    assertThatThrownBy(() -> QuerySketch.ofBytes(new byte[0], P))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuerySketch.ofBytes(new byte[3], P))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuerySketch.ofBytes(new byte[2 * QuerySketch.MAX_DIMENSION + 2], P))
        .isInstanceOf(IllegalArgumentException.class);
    // 0x7F80 is +infinity, 0xFFC0 a NaN.
    assertThatThrownBy(() -> QuerySketch.ofBits(new short[] {0, 0x7F80}, P))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuerySketch.ofBits(new short[] {(short) 0xFFC0}, P))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(QuerySketch.ofBits(new short[] {0x7F7F}, P).values()[0]).isFinite();
    assertThatThrownBy(() -> QuerySketch.ofBits(new short[] {1}, new int[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuerySketch.ofBits(new short[] {1}, new int[] {-1}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchesWithoutSketchesKeepTheirEarlierVersions() throws Exception {
    InferenceEvent plain = InferenceEventEnvelopeTest.event("a", "t", BigInteger.ONE);
    assertThat(new String(InferenceEventCodec.encode(List.of(plain)), StandardCharsets.ISO_8859_1))
        .doesNotContain("query_sketch");
    InferenceEvent sketched = plain.withQuerySketch(QuerySketch.ofBits(new short[] {0x3F80}, P));
    InferenceEvent other = InferenceEventEnvelopeTest.event("b", "t", BigInteger.ONE);
    List<InferenceEvent> mixed = List.of(sketched, other);
    assertThat(InferenceEventCodec.decode(InferenceEventCodec.encode(mixed))).isEqualTo(mixed);
    assertThat(InferenceEventCodec.decode(InferenceEventCodec.encode(mixed)).get(1).querySketch())
        .isNull();
  }
}
