package io.payable.ingest.shard;

import io.payable.contracts.merkle.LeafHashTree;
import io.payable.index.shard.DocumentRecord;
import io.payable.index.shard.Shard;
import io.payable.ingest.curation.ContributionEvent;
import io.payable.ingest.record.AcceptedContribution;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
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
 *
 * <p>The second input carries tombstones (withdrawn or upheld-flag contributions, from the curation
 * guard). A tombstoned contribution still in the open shard is dropped from it; one in a small
 * shard awaiting compaction is dropped from the merge; one in a sealed shard (read back from the
 * committed index store) makes the builder emit a shard with that shard's other documents that
 * supersedes it, so the document leaves the index files (a shard whose every document is tombstoned
 * stays until compaction has something to merge it with; queries ignore its documents meanwhile). A
 * contribution tombstoned before it arrives here is never added.
 */
public final class ShardBuilder
    extends KeyedCoProcessFunction<String, AcceptedContribution, ContributionEvent, SealedShard> {

  private static final long serialVersionUID = 1L;

  /** Accepted contributions with their shard id, for the contributions table. */
  public static final OutputTag<AcceptedContribution> CONTRIBUTIONS =
      new OutputTag<>("contributions", TypeInformation.of(AcceptedContribution.class));

  private final long maxSymbols;
  private final long maxAgeMillis;
  private final String tokenizerId;
  private final long smallShardSymbols;
  private final int compactionFanIn;
  private final String storeUri;

  private transient MapState<String, Long> documentShards;
  private transient MapState<String, Boolean> tombstoned;
  private transient ValueState<Long> purgeTimer;
  private transient ListState<Long> pendingPurges;
  private transient ValueState<Long> sequence;
  private transient ValueState<Long> symbols;
  private transient ValueState<Long> sealTimer;
  private transient ListState<ShardDocument> documents;
  private transient ListState<ShardDocument> smallShardDocuments;
  private transient ListState<Long> smallShardSequences;
  private transient ValueState<Long> smallShardSymbolCount;
  private transient Counter seals;
  private transient Counter compactions;
  private transient Counter purges;

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
    this(maxSymbols, maxAgeMillis, tokenizerId, smallShardSymbols, compactionFanIn, null);
  }

  /**
   * @param storeUri the index store the sink commits shards to, read back to rewrite a sealed shard
   *     without its tombstoned documents; {@code null}: sealed shards are not rewritten
   */
  public ShardBuilder(
      long maxSymbols,
      long maxAgeMillis,
      String tokenizerId,
      long smallShardSymbols,
      int compactionFanIn,
      String storeUri) {
    this.storeUri = storeUri;
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
    documentShards =
        ctx.getMapState(new MapStateDescriptor<>("document-shards", Types.STRING, Types.LONG));
    tombstoned =
        ctx.getMapState(new MapStateDescriptor<>("tombstoned", Types.STRING, Types.BOOLEAN));
    purgeTimer = ctx.getState(new ValueStateDescriptor<>("purge-timer", Types.LONG));
    pendingPurges = ctx.getListState(new ListStateDescriptor<>("pending-purges", Types.LONG));
    var metrics = ctx.getMetricGroup().addGroup("payable").addGroup("ingest");
    seals = metrics.counter("shardSeals");
    compactions = metrics.counter("shardCompactions");
    purges = metrics.counter("shardPurges");
  }

  @Override
  public void processElement1(AcceptedContribution c, Context ctx, Collector<SealedShard> out)
      throws Exception {
    long seq = sequence.value() == null ? 1 : sequence.value();
    sequence.update(seq);
    if (tombstoned.contains(c.contributionId())) {
      // Withdrawn or flagged before it reached the index: recorded without a shard, never indexed.
      ctx.output(CONTRIBUTIONS, c);
      return;
    }
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
  public void processElement2(ContributionEvent e, Context ctx, Collector<SealedShard> out)
      throws Exception {
    String doc = e.contributionId();
    if (!e.tombstones() || tombstoned.contains(doc)) {
      return;
    }
    tombstoned.put(doc, true);
    long now = ctx.timerService().currentProcessingTime();
    List<ShardDocument> open = new ArrayList<>();
    documents.get().forEach(open::add);
    if (open.removeIf(d -> d.contributionId().equals(doc))) {
      documents.update(open);
      symbols.update(symbolsOf(open));
      return;
    }
    Long seq = documentShards.get(doc);
    if (seq == null) {
      return;
    }
    // A rewrite takes the next sequence, which the open shard holds (its contributions were
    // reported with it): seal the open shard first.
    flushOpenShard(ctx.getCurrentKey(), now, ctx.timerService(), out);
    List<Long> small = new ArrayList<>();
    smallShardSequences.get().forEach(small::add);
    if (small.contains(seq)) {
      List<ShardDocument> merged = new ArrayList<>();
      smallShardDocuments.get().forEach(merged::add);
      merged.removeIf(d -> d.contributionId().equals(doc));
      smallShardDocuments.update(merged);
      smallShardSymbolCount.update(symbolsOf(merged));
      if (!merged.isEmpty()) {
        emitMerge(ctx.getCurrentKey(), merged, small, now, out);
      }
      return;
    }
    if (storeUri != null && io.payable.ingest.curation.TombstoneSink.isLocal(storeUri)) {
      pendingPurges.add(seq);
      purge(ctx.getCurrentKey(), now, ctx.timerService(), out);
    }
  }

  private void flushOpenShard(
      String datanetId,
      long now,
      org.apache.flink.streaming.api.TimerService timers,
      Collector<SealedShard> out)
      throws Exception {
    if (!documents.get().iterator().hasNext()) {
      return;
    }
    seal(datanetId, now, out, false);
    Long due = sealTimer.value();
    if (due != null) {
      timers.deleteProcessingTimeTimer(due);
      sealTimer.clear();
    }
  }

  /**
   * Rewrites each sealed shard awaiting a purge without its tombstoned documents, once its files
   * are committed; retries by timer until they are.
   */
  private void purge(
      String datanetId,
      long now,
      org.apache.flink.streaming.api.TimerService timers,
      Collector<SealedShard> out)
      throws Exception {
    List<Long> waiting = new ArrayList<>();
    for (Long seq : new java.util.TreeSet<>(toList(pendingPurges.get()))) {
      List<ShardDocument> live = liveDocuments(datanetId, seq);
      if (live == null) {
        waiting.add(seq);
        continue;
      }
      List<Long> supersedes = new ArrayList<>(List.of(seq));
      if (live.isEmpty()) {
        // Nothing of the shard survives, yet a shard is only ever replaced by another: the open
        // shard becomes its replacement, else another committed shard is rewritten with it.
        if (documents.get().iterator().hasNext()) {
          sealOpenShardSuperseding(datanetId, seq, now, timers, out);
          continue;
        }
        Long other = otherLiveShard(datanetId, seq);
        List<ShardDocument> otherLive = other == null ? null : liveDocuments(datanetId, other);
        if (otherLive == null || otherLive.isEmpty()) {
          waiting.add(seq);
          continue;
        }
        live = otherLive;
        supersedes = new ArrayList<>(new java.util.TreeSet<>(List.of(other, seq)));
      }
      flushOpenShard(datanetId, now, timers, out);
      long rewritten = sequence.value() == null ? 1 : sequence.value();
      out.collect(shard(datanetId, rewritten, live, symbolsOf(live), now, supersedes));
      for (ShardDocument d : live) {
        documentShards.put(d.contributionId(), rewritten);
      }
      purges.inc();
      sequence.update(rewritten + 1);
    }
    pendingPurges.update(waiting);
    if (!waiting.isEmpty() && purgeTimer.value() == null) {
      long at = now + PURGE_RETRY_MILLIS;
      timers.registerProcessingTimeTimer(at);
      purgeTimer.update(at);
    }
  }

  private static final long PURGE_RETRY_MILLIS = 1_000;

  /** The committed shard's documents that are not tombstoned; null until its files are there. */
  private List<ShardDocument> liveDocuments(String datanetId, long seq) throws Exception {
    java.nio.file.Path dir =
        java.nio.file.Path.of(ShardStoreSink.shardPath(storeUri, datanetId, seq).toUri().getPath());
    if (!Files.isDirectory(dir)) {
      return null;
    }
    List<ShardDocument> live = new ArrayList<>();
    Shard shard = Shard.open(dir, false);
    List<DocumentRecord> docs = shard.documents();
    for (int i = 0; i < docs.size(); i++) {
      DocumentRecord d = docs.get(i);
      if (!tombstoned.contains(d.docId())) {
        live.add(
            new ShardDocument(
                d.docId(),
                d.contributor(),
                d.contentHash(),
                shard.documentTokens(i, 0, d.length())));
      }
    }
    return live;
  }

  /**
   * A committed shard other than {@code seq} that holds a live document and is not waiting for a
   * small-shard merge (which would supersede it again), or null.
   */
  private Long otherLiveShard(String datanetId, long seq) throws Exception {
    java.util.Set<Long> small = new java.util.HashSet<>(toList(smallShardSequences.get()));
    for (var e : documentShards.entries()) {
      long candidate = e.getValue();
      if (candidate != seq
          && !small.contains(candidate)
          && !tombstoned.contains(e.getKey())
          && Files.isDirectory(
              java.nio.file.Path.of(
                  ShardStoreSink.shardPath(storeUri, datanetId, candidate).toUri().getPath()))) {
        return candidate;
      }
    }
    return null;
  }

  /** Seals the open shard now as the replacement of shard {@code seq}. */
  private void sealOpenShardSuperseding(
      String datanetId,
      long seq,
      long now,
      org.apache.flink.streaming.api.TimerService timers,
      Collector<SealedShard> out)
      throws Exception {
    List<ShardDocument> docs = toList(documents.get());
    long open = sequence.value();
    out.collect(shard(datanetId, open, docs, symbols.value(), now, List.of(seq)));
    for (ShardDocument d : docs) {
      documentShards.put(d.contributionId(), open);
    }
    purges.inc();
    documents.clear();
    symbols.clear();
    sequence.update(open + 1);
    Long due = sealTimer.value();
    if (due != null) {
      timers.deleteProcessingTimeTimer(due);
      sealTimer.clear();
    }
  }

  private static <T> List<T> toList(Iterable<T> items) {
    List<T> out = new ArrayList<>();
    items.forEach(out::add);
    return out;
  }

  private static long symbolsOf(List<ShardDocument> docs) {
    long n = 0;
    for (ShardDocument d : docs) {
      n += d.tokens().length + 1;
    }
    return n;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SealedShard> out)
      throws Exception {
    Long purgeDue = purgeTimer.value();
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME
        && purgeDue != null
        && purgeDue == timestamp) {
      purgeTimer.clear();
      purge(ctx.getCurrentKey(), timestamp, ctx.timerService(), out);
    }
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
    for (ShardDocument d : docs) {
      documentShards.put(d.contributionId(), seq);
    }
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
    emitMerge(datanetId, merged, small, now, out);
  }

  /** Emits one shard of {@code merged} superseding the {@code small} shards, and forgets them. */
  private void emitMerge(
      String datanetId,
      List<ShardDocument> merged,
      List<Long> small,
      long now,
      Collector<SealedShard> out)
      throws Exception {
    long compacted = sequence.value();
    out.collect(shard(datanetId, compacted, merged, symbolsOf(merged), now, small));
    for (ShardDocument d : merged) {
      documentShards.put(d.contributionId(), compacted);
    }
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
