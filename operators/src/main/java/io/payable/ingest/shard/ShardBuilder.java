package io.payable.ingest.shard;

import io.payable.contracts.merkle.LeafHashTree;
import io.payable.ingest.record.AcceptedContribution;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.web3j.utils.Numeric;

/**
 * Grows each Datanet's open shard, keyed by Datanet. Every accepted contribution is assigned to the
 * open shard (and passed on with its shard id to {@link #CONTRIBUTIONS}); the shard is sealed when
 * it reaches {@code maxSymbols} or, by a processing-time timer, {@code maxAgeMillis} after its
 * first contribution. Sealed shards are emitted as records, so they are part of Flink's
 * checkpointed stream: the files are written by {@link ShardStoreSink} and appear only once the
 * checkpoint that covers them completes.
 */
public final class ShardBuilder
    extends KeyedProcessFunction<String, AcceptedContribution, SealedShard> {

  private static final long serialVersionUID = 1L;

  /** Accepted contributions with their shard id, for the contributions table. */
  public static final OutputTag<AcceptedContribution> CONTRIBUTIONS =
      new OutputTag<>("contributions", TypeInformation.of(AcceptedContribution.class));

  private final long maxSymbols;
  private final long maxAgeMillis;
  private final String tokenizerId;

  private transient ValueState<Long> sequence;
  private transient ValueState<Long> symbols;
  private transient ValueState<Long> sealTimer;
  private transient ListState<ShardDocument> documents;
  private transient Counter seals;

  public ShardBuilder(long maxSymbols, long maxAgeMillis, String tokenizerId) {
    if (maxSymbols <= 0 || maxAgeMillis <= 0) {
      throw new IllegalArgumentException("shard limits must be positive");
    }
    this.maxSymbols = maxSymbols;
    this.maxAgeMillis = maxAgeMillis;
    this.tokenizerId = tokenizerId;
  }

  @Override
  public void open(OpenContext openContext) {
    var ctx = getRuntimeContext();
    sequence = ctx.getState(new ValueStateDescriptor<>("open-shard-sequence", Types.LONG));
    symbols = ctx.getState(new ValueStateDescriptor<>("open-shard-symbols", Types.LONG));
    sealTimer = ctx.getState(new ValueStateDescriptor<>("seal-timer", Types.LONG));
    documents =
        ctx.getListState(
            new ListStateDescriptor<>(
                "open-shard-documents", TypeInformation.of(ShardDocument.class)));
    seals = ctx.getMetricGroup().addGroup("payable").addGroup("ingest").counter("shardSeals");
  }

  @Override
  public void processElement(AcceptedContribution c, Context ctx, Collector<SealedShard> out)
      throws Exception {
    long seq = sequence.value() == null ? 1 : sequence.value();
    sequence.update(seq);
    ctx.output(CONTRIBUTIONS, c.withShard(ShardId.of(c.datanetId(), seq)));
    documents.add(
        new ShardDocument(c.contributionId(), c.contributor(), c.contentHash(), c.tokens()));
    long size = (symbols.value() == null ? 0 : symbols.value()) + c.tokens().length + 1;
    symbols.update(size);
    if (sealTimer.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + maxAgeMillis;
      ctx.timerService().registerProcessingTimeTimer(at);
      sealTimer.update(at);
      // Fires only with the final watermark: end of a bounded input or stop --drain.
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }
    if (size >= maxSymbols) {
      seal(ctx.getCurrentKey(), ctx.timerService().currentProcessingTime(), out);
      ctx.timerService().deleteProcessingTimeTimer(sealTimer.value());
      sealTimer.clear();
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SealedShard> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
      seal(ctx.getCurrentKey(), ctx.timerService().currentProcessingTime(), out);
      return;
    }
    Long due = sealTimer.value();
    if (due == null || due != timestamp) {
      return;
    }
    sealTimer.clear();
    seal(ctx.getCurrentKey(), timestamp, out);
  }

  private void seal(String datanetId, long now, Collector<SealedShard> out) throws Exception {
    List<ShardDocument> docs = new ArrayList<>();
    documents.get().forEach(docs::add);
    if (docs.isEmpty()) {
      return;
    }
    long seq = sequence.value();
    List<byte[]> leaves = new ArrayList<>(docs.size());
    for (ShardDocument d : docs) {
      leaves.add(LeafHashTree.bytes32LeafHash(Numeric.hexStringToByteArray(d.contentHash())));
    }
    out.collect(
        new SealedShard(
            datanetId,
            seq,
            ShardId.of(datanetId, seq),
            docs,
            symbols.value(),
            LeafHashTree.of(leaves).rootHex(),
            tokenizerId,
            now));
    seals.inc();
    documents.clear();
    symbols.clear();
    sequence.update(seq + 1);
  }
}
