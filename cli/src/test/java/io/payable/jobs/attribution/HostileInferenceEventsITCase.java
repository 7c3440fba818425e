package io.payable.jobs.attribution;

import static io.payable.jobs.attribution.AttributionFixtures.ADAPTER;
import static io.payable.jobs.attribution.AttributionFixtures.STRANGER;
import static io.payable.jobs.attribution.AttributionFixtures.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.intake.InferenceEventJson;
import io.payable.attribution.sink.AttributionTables;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.embedded.iceberg.IcebergWarehouseExtension;
import io.payable.embedded.kafka.KafkaExtension;
import io.payable.ingest.record.Rejection;
import io.payable.jobs.testing.FlinkFailoverTestBase;
import io.payable.jobs.testing.HostileRecords;
import io.payable.jobs.testing.PlatformIo;
import io.payable.loadgen.HostileInputs.Hostile;
import io.payable.loadgen.InferenceEvents;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.InferenceEventEnvelope;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * A hostile producer on {@code inference.events} and {@code index.manifest}: records of every shape
 * up to the topic's limit, envelopes that are almost right, signed batches with a payload that is
 * not Arrow, events with a huge adapter id or fee, a batch of a thousand rows and an output of
 * nearly 1 MB. The attribution job runs through them on a MiniCluster that would restart it on a
 * failure, and the execution graph shows it never did; every refused record or event is rejected
 * exactly once in the table and on the topic (by offset and SHA-256), every good event attributed.
 */
class HostileInferenceEventsITCase extends FlinkFailoverTestBase {

  @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

  @RegisterExtension
  static final IcebergWarehouseExtension WAREHOUSE = new IcebergWarehouseExtension();

  private static final Instant DONE = Instant.ofEpochMilli(1_800_000_000_123L);

  @Test
  void everyHostileRecordIsRejectedOnceAndTheJobNeverRestarts(
      @TempDir Path cache, @InjectMiniCluster MiniCluster cluster) throws Exception {
    HostileRecords.createInputTopic(KAFKA.kafka(), "inference.events");
    HostileRecords.createInputTopic(KAFKA.kafka(), "index.manifest");
    KAFKA.createTopics(1, "inference.rejections", "rewards.attributed");

    // Record-level: each is refused whole, with its raw bytes.
    List<Hostile> hostile = new ArrayList<>(HostileRecords.generic(23));
    byte[] magic = InferenceEventEnvelope.MAGIC;
    hostile.add(new Hostile("magic only", magic));
    hostile.add(new Hostile("unsupported envelope", concat(magic, new byte[] {9}, new byte[80])));
    hostile.add(
        new Hostile("zero signature", concat(magic, new byte[] {1}, new byte[65], new byte[500])));
    hostile.add(
        new Hostile(
            "unregistered worker",
            InferenceEventEnvelope.sign(List.of(event("ev-s", "x", STRANGER)), STRANGER)));
    byte[] garbage = new byte[500_000];
    new Random(3).nextBytes(garbage);
    hostile.add(new Hostile("signed, not Arrow", signRaw(garbage, WORKER)));
    hostile.add(
        new Hostile(
            "signed, Arrow magic then garbage",
            signRaw(concat("ARROW1".getBytes(StandardCharsets.US_ASCII), garbage), WORKER)));

    // Event-level: a valid batch whose one event is refused; its rejection carries the event.
    List<InferenceEvent> refusedEvents =
        List.of(
            event("ev-long-adapter", "a".repeat(300_000), WORKER),
            event("e".repeat(600_000), ADAPTER, WORKER),
            withFee(event("ev-huge-fee", ADAPTER, WORKER), BigInteger.TEN.pow(40)),
            withFee(event("ev-free", ADAPTER, WORKER), BigInteger.ZERO));

    // Accepted: a thousand rows in one batch, and one output of nearly 1 MB.
    List<InferenceEvent> wide = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      wide.add(event("ev-wide-" + i, ADAPTER, WORKER));
    }
    StringBuilder output = new StringBuilder();
    Random words = new Random(9);
    while (output.length() < 900_000) {
      output.append("harbor whale winter ship sea ").append(words.nextInt(100_000)).append(' ');
    }
    InferenceEvent huge =
        InferenceEvents.of(
            "ev-huge-output",
            InferenceEventEnvelope.address(WORKER),
            "tiny-base",
            ADAPTER,
            "0x" + "cc".repeat(20),
            BigInteger.ONE,
            output.toString(),
            DONE);

    // Paid: one batch, one consumer, a voucher of 10 wei and two events of 7: the second
    // overspends.
    Credentials consumer =
        Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    Voucher ten = new Voucher(consumer.getAddress(), BigInteger.TEN, 2_000_000_000L);
    InferenceEvent.PaymentVoucher signed =
        new InferenceEvent.PaymentVoucher(
            BigInteger.TEN,
            ten.expiry(),
            VoucherSignatures.sign(
                VoucherSignatures.domain(31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3"),
                ten,
                consumer));
    InferenceEvent paid = paidEvent("ev-paid", consumer.getAddress(), signed);
    InferenceEvent overspent = paidEvent("ev-overspent", consumer.getAddress(), signed);

    List<byte[]> values = new ArrayList<>();
    hostile.forEach(h -> values.add(h.value()));
    refusedEvents.forEach(e -> values.add(InferenceEventEnvelope.sign(List.of(e), WORKER)));
    values.add(InferenceEventEnvelope.sign(List.of(paid, overspent), WORKER));
    values.add(InferenceEventEnvelope.sign(wide, WORKER));
    values.add(InferenceEventEnvelope.sign(List.of(huge), WORKER));
    assertThat(values.get(values.size() - 1).length).isLessThan(HostileRecords.MAX_VALUE_BYTES);
    List<Long> offsets = HostileRecords.produce(KAFKA.kafka(), "inference.events", values);
    // The manifest topic gets the same treatment: unreadable events are rejected, never fatal.
    List<byte[]> manifest = new ArrayList<>();
    HostileRecords.generic(24).forEach(h -> manifest.add(h.value()));
    List<Long> manifestOffsets = HostileRecords.produce(KAFKA.kafka(), "index.manifest", manifest);

    Configuration config =
        AttributionJobITCase.config(
            KAFKA.bootstrapServers(), WAREHOUSE.warehouse().location(), "", cache);
    config.set(AttributionOptions.STOP_AT_LATEST, true);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    AttributionJob.build(env, config);
    JobClient job = env.executeAsync("attribution-hostile");
    job.getJobExecutionResult().get();
    HostileRecords.assertNoRestart(cluster, job.getJobID());

    Map<Long, byte[]> rejected =
        new LinkedHashMap<>(HostileRecords.byOffset(offsets, values, i -> i < hostile.size()));
    for (int i = 0; i < refusedEvents.size(); i++) {
      rejected.put(
          offsets.get(hostile.size() + i), InferenceEventJson.encode(refusedEvents.get(i)));
    }
    // The two paid events travel in one batch, but reach the consumer's ledger in either order
    // (the gate before it is keyed by event id, at parallelism 2): whichever comes second
    // overspends the voucher.
    PlatformIo.awaitRows(WAREHOUSE.warehouse(), AttributionTables.REJECTIONS, rejected.size() + 1);
    String unpaidId =
        PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.REJECTIONS).stream()
            .filter(r -> "unpaid".equals(r.getField("reason")))
            .map(r -> ((String) r.getField("detail")).split(":")[0].substring("event ".length()))
            .findFirst()
            .orElseThrow();
    assertThat(unpaidId).isIn(paid.eventId(), overspent.eventId());
    InferenceEvent unpaid = unpaidId.equals(paid.eventId()) ? paid : overspent;
    InferenceEvent charged = unpaid == paid ? overspent : paid;
    rejected.put(
        offsets.get(hostile.size() + refusedEvents.size()), InferenceEventJson.encode(unpaid));
    HostileRecords.assertRejectedOnce(
        WAREHOUSE.warehouse(),
        AttributionTables.REJECTIONS,
        KAFKA.kafka(),
        "inference.rejections",
        "inference.events",
        rejected);
    // Unreadable manifest records land there too, once each.
    HostileRecords.assertRejectedOnce(
        WAREHOUSE.warehouse(),
        AttributionTables.REJECTIONS,
        KAFKA.kafka(),
        "inference.rejections",
        "index.manifest",
        HostileRecords.byOffset(manifestOffsets, manifest, i -> true));
    List<Record> rejections = PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.REJECTIONS);
    assertThat(rejections)
        .allSatisfy(
            r ->
                assertThat(((String) r.getField("detail")).length())
                    .isLessThanOrEqualTo(Rejection.MAX_DETAIL_CHARS));

    // received = accepted + rejected, in events: every good event is attributed once.
    Set<String> attributed =
        PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.ATTRIBUTIONS).stream()
            .map(r -> (String) r.getField("event_id"))
            .collect(Collectors.toSet());
    Set<String> expected =
        wide.stream()
            .map(InferenceEvent::eventId)
            .collect(Collectors.toCollection(java.util.HashSet::new));
    expected.add(huge.eventId());
    expected.add(charged.eventId());
    assertThat(attributed).isEqualTo(expected);
    assertThat(rejections)
        .filteredOn(r -> "unpaid".equals(r.getField("reason")))
        .singleElement()
        .satisfies(
            r ->
                assertThat((String) r.getField("detail"))
                    .isEqualTo(
                        "event "
                            + unpaid.eventId()
                            + ": charges 7 + fee 7 exceed the voucher's 10"));
    // The paid event's rows carry its consumer's cumulative charges; unpaid events' carry none.
    assertThat(PlatformIo.rows(WAREHOUSE.warehouse(), AttributionTables.ATTRIBUTIONS))
        .allSatisfy(
            r ->
                assertThat(r.getField("consumer_charged_wei"))
                    .isEqualTo(
                        charged.eventId().equals(r.getField("event_id"))
                            ? new java.math.BigDecimal(7)
                            : null));
    assertThat(PlatformIo.consume(KAFKA.kafka(), "rewards.attributed", expected.size()))
        .hasSize(expected.size());
  }

  private static InferenceEvent event(String id, String adapter, ECKeyPair worker) {
    return InferenceEvents.of(
        id,
        InferenceEventEnvelope.address(worker),
        "tiny-base",
        adapter,
        "0x" + "cc".repeat(20),
        BigInteger.TEN,
        "the whale and the harbor in winter",
        DONE);
  }

  /** An event of 7 output tokens at 1 wei each, served against {@code voucher}. */
  private static InferenceEvent paidEvent(
      String id, String consumer, InferenceEvent.PaymentVoucher voucher) {
    return InferenceEvents.of(
            id,
            InferenceEventEnvelope.address(WORKER),
            "tiny-base",
            ADAPTER,
            consumer,
            BigInteger.ONE,
            "the whale and the harbor in winter",
            DONE)
        .withVoucher(voucher);
  }

  private static InferenceEvent withFee(InferenceEvent e, BigInteger fee) {
    return new InferenceEvent(
        e.eventId(),
        e.workerId(),
        e.modelId(),
        e.adapterId(),
        e.adapterVersion(),
        e.consumer(),
        fee,
        e.priceBasis(),
        e.priceWei(),
        e.outputText(),
        e.promptTokens(),
        e.outputTokens(),
        e.requestTime(),
        e.firstTokenTime(),
        e.doneTime());
  }

  /** An envelope around any payload, signed by {@code key} as a worker signs. */
  private static byte[] signRaw(byte[] payload, ECKeyPair key) {
    Sign.SignatureData sig = Sign.signPrefixedMessage(Hash.sha3(payload), key);
    return concat(
        InferenceEventEnvelope.MAGIC,
        new byte[] {(byte) InferenceEventEnvelope.ENVELOPE_VERSION},
        sig.getR(),
        sig.getS(),
        sig.getV(),
        payload);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer out = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      out.put(p);
    }
    return out.array();
  }
}
