package io.payable.ingest.validate;

import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import io.payable.ingest.record.AcceptedContribution;
import io.payable.ingest.record.CheckedSubmission;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.submission.RejectionReason;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The Datanet-level checks, keyed by Datanet: the exact content is not in the Datanet yet, the
 * content is long enough once tokenized with the index tokenizer, and (when enabled) not mostly
 * made of spans already in the Datanet's sealed shards. What passes is accepted.
 */
public final class ContentGuard
    extends KeyedProcessFunction<String, CheckedSubmission, AcceptedContribution> {

  private static final long serialVersionUID = 1L;

  private final String tokenizerId;
  private final int minTokens;
  private final NearDuplicatePolicy nearDuplicates;

  private transient Tokenizer tokenizer;
  private transient RedundancyCheck redundancy;
  private transient MapState<String, String> contributionByContentHash;
  private transient IngestMetrics metrics;
  private transient Counter accepted;

  public ContentGuard(String tokenizerId, int minTokens, NearDuplicatePolicy nearDuplicates) {
    this.tokenizerId = tokenizerId;
    this.minTokens = minTokens;
    this.nearDuplicates = nearDuplicates;
  }

  @Override
  public void open(OpenContext openContext) {
    tokenizer = Tokenizers.byId(tokenizerId);
    if (nearDuplicates.enabled()) {
      redundancy =
          new RedundancyCheck(
              nearDuplicates.indexStore(),
              tokenizer,
              nearDuplicates.minSpanTokens(),
              nearDuplicates.refreshMillis());
    }
    contributionByContentHash =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("contribution-by-content", Types.STRING, Types.STRING));
    metrics = new IngestMetrics(getRuntimeContext().getMetricGroup());
    accepted = metrics.counter("accepted");
  }

  @Override
  public void processElement(CheckedSubmission s, Context ctx, Collector<AcceptedContribution> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    String existing = contributionByContentHash.get(s.contentHash());
    if (existing != null) {
      reject(ctx, s, RejectionReason.DUPLICATE_CONTENT, "same content as contribution " + existing);
      return;
    }
    int[] tokens = tokenizer.encode(s.content());
    if (tokens.length < minTokens) {
      reject(
          ctx,
          s,
          RejectionReason.TOO_SHORT,
          tokens.length + " tokens, fewer than the minimum of " + minTokens);
      return;
    }
    if (redundancy != null) {
      double share = redundancy.coveredShare(s.datanetId(), tokens, now);
      if (share >= nearDuplicates.maxCoveredShare()) {
        reject(
            ctx,
            s,
            RejectionReason.NEAR_DUPLICATE,
            String.format(
                "%.0f%% of its tokens are already in the Datanet (limit %.0f%%)",
                share * 100, nearDuplicates.maxCoveredShare() * 100));
        return;
      }
    }
    String id = contributionId(s.datanetId(), s.contributor(), s.nonce());
    contributionByContentHash.put(s.contentHash(), id);
    accepted.inc();
    out.collect(
        new AcceptedContribution(
            id,
            s.datanetId(),
            s.contributor(),
            s.contentHash(),
            s.nonce(),
            s.content(),
            tokens,
            s.content().getBytes(StandardCharsets.UTF_8).length,
            s.timestamp() * 1000L,
            now,
            s.license(),
            null));
  }

  @Override
  public void close() {
    if (redundancy != null) {
      redundancy.close();
    }
  }

  /** keccak256(abi.encode(datanetId, contributor, nonce)), 0x-hex. */
  public static String contributionId(String datanetId, String contributor, BigInteger nonce) {
    String encoded =
        TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(datanetId)))
            + TypeEncoder.encode(new Address(contributor))
            + TypeEncoder.encode(new Uint256(nonce));
    return Hash.sha3("0x" + encoded);
  }

  private void reject(Context ctx, CheckedSubmission s, RejectionReason reason, String detail) {
    metrics.rejected(reason);
    ctx.output(
        Rejections.TAG,
        Rejection.of(s.source(), reason, detail, ctx.timerService().currentProcessingTime()));
  }
}
