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
  private final long smallShardSymbols;
  private final int compactionFanIn;

  private transient ValueState<Long> sequence;
  private transient ValueState<Long> symbols;
  private transient ValueState<Long> sealTimer;
  private transient ListState<ShardDocument> documents;
  private transient ListState<ShardDocument> smallShardDocuments;
  private transient ListState<Long> smallShardSequences;
  private transient ValueState<Long> smallShardSymbolCount;
  private transient Counter seals;
  private transient Counter compactions;

  /**
   * @param smallShardSymbols shards sealed below this size (by age or at the end of the input) are
   *     small, and every {@code compactionFanIn} small shards of a Datanet are merged into one; a
   *     fan-in below 2 turns compaction off
   */
  public ShardBuilder(
      long maxSymbols,
      long maxAgeMillis,
      String tokenizerId,
      long smallShardSymbols,
      int compactionFanIn) {
    if (maxSymbols <= 0 || maxAgeMillis <= 0) {
      throw new IllegalArgumentException("shard limits must be positive");
    }
    this.maxSymbols = maxSymbols;
    this.maxAgeMillis = maxAgeMillis;
    this.tokenizerId = tokenizerId;
    this.smallShardSymbols = smallShardSymbols;
    this.compactionFanIn = compactionFanIn;
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
    smallShardDocuments =
        ctx.getListState(
            new ListStateDescriptor<>(
                "small-shard-documents", TypeInformation.of(ShardDocument.class)));
    smallShardSequences =
        ctx.getListState(new ListStateDescriptor<>("small-shard-sequences", Types.LONG));
    smallShardSymbolCount =
        ctx.getState(new ValueStateDescriptor<>("small-shard-symbols", Types.LONG));
    var metrics = ctx.getMetricGroup().addGroup("payable").addGroup("ingest");
    seals = metrics.counter("shardSeals");
    compactions = metrics.counter("shardCompactions");
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
      seal(ctx.getCurrentKey(), ctx.timerService().currentProcessingTime(), out, true);
      ctx.timerService().deleteProcessingTimeTimer(sealTimer.value());
      sealTimer.clear();
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SealedShard> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
      seal(ctx.getCurrentKey(), ctx.timerService().currentProcessingTime(), out, false);
      return;
    }
    Long due = sealTimer.value();
    if (due == null || due != timestamp) {
      return;
    }
    sealTimer.clear();
    seal(ctx.getCurrentKey(), timestamp, out, false);
  }

  /**
   * @param full whether the shard reached its size limit; only shards sealed early (by age or at
   *     the end of the input) and below the small-shard size are compacted later
   */
  private void seal(String datanetId, long now, Collector<SealedShard> out, boolean full)
      throws Exception {
    List<ShardDocument> docs = new ArrayList<>();
    documents.get().forEach(docs::add);
    if (docs.isEmpty()) {
      return;
    }
    long seq = sequence.value();
    long size = symbols.value();
    out.collect(shard(datanetId, seq, docs, size, now, List.of()));
    seals.inc();
    documents.clear();
    symbols.clear();
    sequence.update(seq + 1);
    if (compactionFanIn > 1 && !full && size < smallShardSymbols) {
      compactLater(datanetId, seq, docs, size, now, out);
    }
  }

  /**
   * Remembers a small shard; once {@code compactionFanIn} of them are sealed, emits one shard with
   * all their contributions that supersedes them. The merged shard takes the next sequence, so ids
   * stay unique and ordered.
   */
  private void compactLater(
      String datanetId,
      long seq,
      List<ShardDocument> docs,
      long size,
      long now,
      Collector<SealedShard> out)
      throws Exception {
    smallShardDocuments.addAll(docs);
    smallShardSequences.add(seq);
    long pendingSymbols =
        (smallShardSymbolCount.value() == null ? 0 : smallShardSymbolCount.value()) + size;
    smallShardSymbolCount.update(pendingSymbols);
    List<Long> small = new ArrayList<>();
    smallShardSequences.get().forEach(small::add);
    if (small.size() < compactionFanIn) {
      return;
    }
    List<ShardDocument> merged = new ArrayList<>();
    smallShardDocuments.get().forEach(merged::add);
    long compacted = sequence.value();
    out.collect(shard(datanetId, compacted, merged, pendingSymbols, now, small));
    compactions.inc();
    sequence.update(compacted + 1);
    smallShardDocuments.clear();
    smallShardSequences.clear();
    smallShardSymbolCount.clear();
  }

  private SealedShard shard(
      String datanetId,
      long seq,
      List<ShardDocument> docs,
      long size,
      long now,
      List<Long> supersedes) {
    List<byte[]> leaves = new ArrayList<>(docs.size());
    for (ShardDocument d : docs) {
      leaves.add(LeafHashTree.bytes32LeafHash(Numeric.hexStringToByteArray(d.contentHash())));
    }
    return new SealedShard(
        datanetId,
        seq,
        ShardId.of(datanetId, seq),
        docs,
        size,
        LeafHashTree.of(leaves).rootHex(),
        tokenizerId,
        now,
        supersedes);
  }
}
