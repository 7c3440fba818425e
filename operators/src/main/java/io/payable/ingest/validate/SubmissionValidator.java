package io.payable.ingest.validate;

import io.payable.contracts.eip712.Contribution;
import io.payable.contracts.eip712.ContributionSignatures;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.ingest.record.CheckedSubmission;
import io.payable.ingest.record.InputWatch;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.record.SkippedRecords;
import io.payable.ingest.submission.ParseOutcome;
import io.payable.ingest.submission.RejectionReason;
import io.payable.ingest.submission.Submission;
import io.payable.ingest.submission.SubmissionParser;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The stateless checks of a submission, cheapest first: format (size, UTF-8, JSON, fields), the
 * Datanet is open, and the EIP-712 signature recovers to the contributor. Runs at any parallelism;
 * rejections go to {@link Rejections#TAG}.
 */
public final class SubmissionValidator extends ProcessFunction<RawRecord, CheckedSubmission> {

  private static final long serialVersionUID = 1L;

  private final int maxBytes;
  private final long chainId;
  private final String datanetRegistry;
  private final DatanetDirectory datanets;
  private final SkippedRecords skipped;

  private transient SubmissionParser parser;
  private transient Eip712Domain domain;
  private transient IngestMetrics metrics;
  private transient Counter received;
  private transient Counter receivedBytes;
  private transient InputWatch watch;

  /**
   * @param chainId and {@code datanetRegistry} name the EIP-712 domain contributors sign in
   */
  public SubmissionValidator(
      int maxBytes, long chainId, String datanetRegistry, DatanetDirectory datanets) {
    this(maxBytes, chainId, datanetRegistry, datanets, SkippedRecords.NONE);
  }

  /**
   * @param skipped records to reject unread (reason {@code skipped})
   */
  public SubmissionValidator(
      int maxBytes,
      long chainId,
      String datanetRegistry,
      DatanetDirectory datanets,
      SkippedRecords skipped) {
    this.skipped = skipped;
    this.maxBytes = maxBytes;
    this.chainId = chainId;
    this.datanetRegistry = datanetRegistry;
    this.datanets = datanets;
  }

  @Override
  public void open(OpenContext openContext) {
    parser = new SubmissionParser(maxBytes);
    domain = Eip712Domain.payableDatanets(chainId, datanetRegistry);
    metrics = new IngestMetrics(getRuntimeContext().getMetricGroup());
    watch = InputWatch.of(getRuntimeContext());
    received = metrics.counter("received");
    receivedBytes = metrics.counter("receivedBytes");
    metrics.meter("receivedBytesPerSecond", receivedBytes);
    metrics.meter("receivedPerSecond", received);
    datanets.open();
  }

  @Override
  public void close() {
    if (datanets != null) {
      datanets.close();
    }
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<CheckedSubmission> out) {
    watch.before(record);
    try {
      validate(record, ctx, out);
    } catch (RuntimeException e) {
      throw watch.failed(record, e);
    }
  }

  private void validate(RawRecord record, Context ctx, Collector<CheckedSubmission> out) {
    received.inc();
    receivedBytes.inc(record.size());
    if (skipped.contains(record)) {
      reject(ctx, record, RejectionReason.SKIPPED, "skipped by the operator (input.skip-records)");
      return;
    }
    ParseOutcome outcome = parser.parse(record.value());
    if (outcome instanceof ParseOutcome.Invalid invalid) {
      reject(ctx, record, invalid.reason(), invalid.detail());
      return;
    }
    Submission s = ((ParseOutcome.Parsed) outcome).submission();
    switch (datanets.status(s.datanetIdHex())) {
      case UNKNOWN -> {
        reject(ctx, record, RejectionReason.UNKNOWN_DATANET, "no Datanet " + s.datanetIdHex());
        return;
      }
      case CLOSED -> {
        reject(
            ctx,
            record,
            RejectionReason.CLOSED_DATANET,
            "Datanet " + s.datanetIdHex() + " is closed");
        return;
      }
      case OPEN -> {}
    }
    Contribution signed =
        new Contribution(s.datanetId(), s.contentHash(), s.nonce(), s.timestamp());
    Optional<String> signer =
        ContributionSignatures.recover(
            domain, signed, "0x" + HexFormat.of().formatHex(s.signature()));
    if (signer.isEmpty()) {
      reject(ctx, record, RejectionReason.BAD_SIGNATURE, "signature does not recover to a key");
      return;
    }
    if (!signer.get().equalsIgnoreCase(s.contributor())) {
      reject(
          ctx,
          record,
          RejectionReason.SIGNER_MISMATCH,
          "signed by " + signer.get() + ", not by contributor " + s.contributor());
      return;
    }
    out.collect(
        new CheckedSubmission(
            record,
            s.datanetIdHex(),
            s.contributor(),
            s.nonce(),
            s.timestamp(),
            s.content(),
            s.contentHashHex(),
            s.license().orElse(null)));
  }

  private void reject(Context ctx, RawRecord record, RejectionReason reason, String detail) {
    metrics.rejected(reason);
    ctx.output(
        Rejections.TAG,
        Rejection.of(record, reason, detail, ctx.timerService().currentProcessingTime()));
  }
}
