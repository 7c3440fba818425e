package io.payable.ingest.curation;

import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Withdrawal;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.DatanetDirectory;
import io.payable.ingest.validate.DatanetStatus;
import io.payable.ingest.validate.Rejections;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The stateless checks of a curation record: format, the Datanet exists, and either the
 * withdrawal's EIP-712 signature recovers to the contributor it names, or the chain shows the flag
 * upheld on that contribution of that contributor. Rejections go to {@link Rejections#TAG}, counted
 * by reason under {@code payable.ingest.curation}.
 */
public final class CurationValidator extends ProcessFunction<RawRecord, CurationRequest> {

  private static final long serialVersionUID = 1L;

  private final int maxBytes;
  private final long chainId;
  private final String datanetRegistry;
  private final DatanetDirectory datanets;
  private final FlagDirectory flags;

  private transient CurationParser parser;
  private transient Eip712Domain domain;
  private transient CurationMetrics metrics;
  private transient Counter received;

  public CurationValidator(
      int maxBytes,
      long chainId,
      String datanetRegistry,
      DatanetDirectory datanets,
      FlagDirectory flags) {
    this.maxBytes = maxBytes;
    this.chainId = chainId;
    this.datanetRegistry = datanetRegistry;
    this.datanets = datanets;
    this.flags = flags;
  }

  @Override
  public void open(OpenContext openContext) {
    parser = new CurationParser(maxBytes);
    domain = Eip712Domain.payableDatanets(chainId, datanetRegistry);
    metrics = new CurationMetrics(getRuntimeContext().getMetricGroup());
    received = metrics.counter("received");
    datanets.open();
    flags.open();
  }

  @Override
  public void close() {
    if (datanets != null) {
      datanets.close();
    }
    if (flags != null) {
      flags.close();
    }
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<CurationRequest> out) {
    received.inc();
    CurationParser.Outcome outcome = parser.parse(record);
    if (!outcome.ok()) {
      reject(ctx, record, outcome.code(), outcome.detail());
      return;
    }
    CurationRequest r = outcome.request();
    if (datanets.status(r.datanetId()) == DatanetStatus.UNKNOWN) {
      reject(ctx, record, "unknown_datanet", "no Datanet " + r.datanetId());
      return;
    }
    if (CurationRequest.WITHDRAWAL.equals(r.type())) {
      Optional<String> signer =
          Withdrawal.of(r.datanetId(), r.contributionId(), r.signedAt())
              .recover(domain, outcome.signature());
      if (signer.isEmpty()) {
        reject(ctx, record, "bad_signature", "signature does not recover to a key");
        return;
      }
      if (!signer.get().equalsIgnoreCase(r.contributor())) {
        reject(
            ctx,
            record,
            "signer_mismatch",
            "signed by " + signer.get() + ", not by contributor " + r.contributor());
        return;
      }
      out.collect(r);
      return;
    }
    Optional<FlagDirectory.FlagState> flag = flags.flagOf(r.contributionId());
    if (flag.isEmpty()) {
      reject(
          ctx,
          record,
          CurationRejectionReason.UNVERIFIABLE_FLAG.code(),
          "cannot read the flag of " + r.contributionId() + " from DatanetRegistry");
      return;
    }
    FlagDirectory.FlagState f = flag.get();
    if (f.status() != FlagDirectory.FlagState.UPHELD
        || !f.datanetId().equalsIgnoreCase(r.datanetId())
        || !f.contributor().equalsIgnoreCase(r.contributor())) {
      reject(
          ctx,
          record,
          CurationRejectionReason.FLAG_NOT_UPHELD.code(),
          "DatanetRegistry shows status "
              + f.status()
              + " for contributor "
              + f.contributor()
              + " of Datanet "
              + f.datanetId());
      return;
    }
    out.collect(
        new CurationRequest(
            record,
            r.type(),
            r.datanetId(),
            r.contributionId(),
            r.contributor(),
            0,
            f.reasonCode(),
            r.txHash(),
            f.contributorPenalized()));
  }

  private void reject(Context ctx, RawRecord record, String code, String detail) {
    metrics.rejected(code);
    ctx.output(
        Rejections.TAG,
        Rejection.of(record, code, detail, ctx.timerService().currentProcessingTime()));
  }
}
