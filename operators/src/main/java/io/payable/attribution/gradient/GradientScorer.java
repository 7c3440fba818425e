package io.payable.attribution.gradient;

import ai.djl.Device;
import io.payable.attribution.intake.AttributionRequest;
import io.payable.attribution.intake.EventGate;
import io.payable.attribution.intake.InferenceRejectionReason;
import io.payable.ingest.record.RawRecord;
import io.payable.ingest.record.Rejection;
import io.payable.ingest.validate.Rejections;
import io.payable.models.influence.InfluenceStore;
import io.payable.models.text.TextTokenizer;
import io.payable.models.train.InfluenceSketches;
import io.payable.models.train.QuerySketcher;
import io.payable.wire.inference.InferenceEvent;
import io.payable.wire.inference.QuerySketch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attribution v2's scorer (docs/attribution.md, version 2), keyed by adapter id: holds the
 * influence stores of its share of the adapters, scores every training example of an adapter for an
 * event's query sketch and attaches the contributors' raw weights and the top examples to the
 * request. Events of {@code spans} adapters pass through unchanged.
 *
 * <p>Stores become known through {@code influence.manifest} (broadcast state, like shards): an
 * event whose adapter has no store yet waits in keyed state and is scored when the store arrives,
 * without a restart. A sampled fraction of sketches ({@code sketch_audit_bps}) is recomputed here
 * on the CPU with the base model and adapter (V2.8); a mismatch beyond {@code sketch_tolerance_bps}
 * is rejected ({@code sketch_mismatch}) with the signed sketch in the rejection as evidence.
 */
public final class GradientScorer
    extends KeyedBroadcastProcessFunction<
        String, AttributionRequest, ScorerBroadcast, AttributionRequest> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GradientScorer.class);

  /** Influence stores by adapter id (broadcast from {@code influence.manifest}). */
  public static final MapStateDescriptor<String, InfluenceStoreEvent> STORES =
      new MapStateDescriptor<>(
          "influence-stores",
          BasicTypeInfo.STRING_TYPE_INFO,
          TypeInformation.of(InfluenceStoreEvent.class));

  /**
   * Tombstones by {@link GradientTombstone#key()}, with the time they take effect (broadcast from
   * {@code index.manifest}; the first event of a key wins, as in the span path).
   */
  public static final MapStateDescriptor<String, Long> TOMBSTONES =
      new MapStateDescriptor<>(
          "gradient-tombstones", BasicTypeInfo.STRING_TYPE_INFO, BasicTypeInfo.LONG_TYPE_INFO);

  private static final ListStateDescriptor<AttributionRequest> WAITING =
      new ListStateDescriptor<>("waiting-for-store", TypeInformation.of(AttributionRequest.class));

  private static final ListStateDescriptor<AttributionRequest> BATCH =
      new ListStateDescriptor<>("gradient-batch", TypeInformation.of(AttributionRequest.class));

  private static final ValueStateDescriptor<Integer> BATCH_SIZE =
      new ValueStateDescriptor<>("gradient-batch-size", BasicTypeInfo.INT_TYPE_INFO);

  private static final ValueStateDescriptor<Long> BATCH_DEADLINE =
      new ValueStateDescriptor<>("gradient-batch-deadline", BasicTypeInfo.LONG_TYPE_INFO);

  private static final ValueStateDescriptor<Long> BATCH_END =
      new ValueStateDescriptor<>("gradient-batch-end", BasicTypeInfo.LONG_TYPE_INFO);

  /** Audit models kept open (each holds a base model). */
  private static final int AUDITORS = 2;

  /** Default events per micro-batch: the store is read once per batch. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  /** Default longest wait of an event for its batch to fill. */
  public static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(50);

  private final boolean followsStores;
  private final int batchSize;
  private final long batchDelayMillis;

  /**
   * The scorer of a job without an influence manifest: events of spans adapters pass, those of
   * gradient and hybrid adapters are rejected ({@code influence_store_unavailable}).
   */
  public static final class WithoutStores
      extends org.apache.flink.streaming.api.functions.ProcessFunction<
          AttributionRequest, AttributionRequest> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(
        AttributionRequest in, Context ctx, Collector<AttributionRequest> out) {
      if (!in.adapter().usesGradients()) {
        out.collect(in);
        return;
      }
      ctx.output(
          Rejections.TAG,
          EventGate.rejection(
              in.event(),
              sourceOf(in),
              InferenceRejectionReason.INFLUENCE_STORE_UNAVAILABLE,
              "the job follows no influence manifest"));
    }
  }

  static RawRecord sourceOf(AttributionRequest in) {
    return in.source() != null
        ? in.source()
        : new RawRecord("inference.events", -1, -1, in.acceptedAt(), new byte[0]);
  }

  private transient ListState<AttributionRequest> waiting;
  private transient ListState<AttributionRequest> batch;
  private transient ValueState<Integer> batched;
  private transient ValueState<Long> deadline;
  private transient ValueState<Long> end;
  private transient Map<String, Opened> stores;
  private transient Map<String, Auditor> auditors;
  private transient Map<InferenceRejectionReason, Counter> rejected;
  private transient Counter scored;
  private transient Counter audited;

  private record Opened(InfluenceStoreEvent event, InfluenceScoring scoring) {}

  private record Auditor(QuerySketcher sketcher, TextTokenizer tokenizer) {}

  /** A scorer that follows an influence manifest (events wait for their adapter's store). */
  public GradientScorer() {
    this(true);
  }

  /**
   * @param followsStores whether stores arrive through an influence manifest; without one, events
   *     of gradient and hybrid adapters are rejected ({@code influence_store_unavailable}) rather
   *     than held forever
   */
  public GradientScorer(boolean followsStores) {
    this(followsStores, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_DELAY);
  }

  /**
   * @param batchSize events of one adapter scored together (one pass over its store); a batch is
   *     scored when it is full, after {@code batchDelay}, or at the end of the input
   * @param batchDelay the longest time an event waits for its batch to fill (processing time)
   */
  public GradientScorer(boolean followsStores, int batchSize, Duration batchDelay) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (batchDelay.isNegative()) {
      throw new IllegalArgumentException("batch delay must not be negative");
    }
    this.followsStores = followsStores;
    this.batchSize = batchSize;
    this.batchDelayMillis = batchDelay.toMillis();
  }

  @Override
  public void open(OpenContext context) {
    waiting = getRuntimeContext().getListState(WAITING);
    batch = getRuntimeContext().getListState(BATCH);
    batched = getRuntimeContext().getState(BATCH_SIZE);
    deadline = getRuntimeContext().getState(BATCH_DEADLINE);
    end = getRuntimeContext().getState(BATCH_END);
    stores = new LinkedHashMap<>();
    auditors = new LinkedHashMap<>(4, 0.75f, true);
    var metrics = getRuntimeContext().getMetricGroup().addGroup("attribution");
    scored = metrics.counter("gradientEventsScored");
    audited = metrics.counter("sketchesAudited");
    rejected = new EnumMap<>(InferenceRejectionReason.class);
    for (InferenceRejectionReason r :
        List.of(
            InferenceRejectionReason.MISSING_SKETCH,
            InferenceRejectionReason.BAD_SKETCH,
            InferenceRejectionReason.SKETCH_MISMATCH,
            InferenceRejectionReason.INFLUENCE_STORE_UNAVAILABLE)) {
      rejected.put(r, metrics.counter("rejected_" + r.code()));
    }
  }

  @Override
  public void processElement(
      AttributionRequest in, ReadOnlyContext ctx, Collector<AttributionRequest> out)
      throws Exception {
    if (!in.adapter().usesGradients()) {
      out.collect(in);
      return;
    }
    InfluenceStoreEvent store = ctx.getBroadcastState(STORES).get(in.event().adapterId());
    if (store == null) {
      if (followsStores) {
        waiting.add(in);
      } else {
        reject(
            r -> ctx.output(Rejections.TAG, r),
            in,
            InferenceRejectionReason.INFLUENCE_STORE_UNAVAILABLE,
            "the job follows no influence manifest");
      }
      return;
    }
    if (batchSize == 1) {
      scoreBatch(
          List.of(in),
          store,
          ctx.getBroadcastState(TOMBSTONES).immutableEntries(),
          r -> ctx.output(Rejections.TAG, r),
          out);
      return;
    }
    batch.add(in);
    Integer size = batched.value();
    int now = size == null ? 1 : size + 1;
    if (now >= batchSize) {
      flush(
          ctx.timerService(),
          store,
          ctx.getBroadcastState(TOMBSTONES).immutableEntries(),
          r -> ctx.output(Rejections.TAG, r),
          out);
      return;
    }
    batched.update(now);
    if (size == null) {
      long at = ctx.timerService().currentProcessingTime() + batchDelayMillis;
      deadline.update(at);
      ctx.timerService().registerProcessingTimeTimer(at);
      // The end of a bounded input (its final watermark) flushes what is left: processing-time
      // timers do not fire once the input has ended. The timer's time becomes the outputs'
      // record time, so it is the first event's (a sink rejects Long.MAX_VALUE as a Kafka
      // timestamp); the job's inputs carry no watermarks before their end.
      Long ts = ctx.timestamp();
      long recordTime = ts != null ? ts : in.acceptedAt();
      end.update(recordTime);
      ctx.timerService().registerEventTimeTimer(recordTime);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AttributionRequest> out)
      throws Exception {
    if (batched.value() == null) {
      return;
    }
    InfluenceStoreEvent store = ctx.getBroadcastState(STORES).get(ctx.getCurrentKey());
    flush(
        ctx.timerService(),
        store,
        ctx.getBroadcastState(TOMBSTONES).immutableEntries(),
        r -> ctx.output(Rejections.TAG, r),
        out);
  }

  /** Scores the key's batch and forgets it (and its timers). */
  private void flush(
      org.apache.flink.streaming.api.TimerService timers,
      InfluenceStoreEvent store,
      Iterable<Map.Entry<String, Long>> tombstones,
      Consumer<Rejection> rejections,
      Collector<AttributionRequest> out)
      throws Exception {
    List<AttributionRequest> ready = new ArrayList<>();
    Iterable<AttributionRequest> pending = batch.get();
    if (pending != null) {
      pending.forEach(ready::add);
    }
    Long at = deadline.value();
    if (at != null) {
      timers.deleteProcessingTimeTimer(at);
    }
    Long last = end.value();
    if (last != null) {
      timers.deleteEventTimeTimer(last);
    }
    batch.clear();
    batched.clear();
    deadline.clear();
    end.clear();
    scoreBatch(ready, store, tombstones, rejections, out);
  }

  @Override
  public void processBroadcastElement(
      ScorerBroadcast element, Context ctx, Collector<AttributionRequest> out) throws Exception {
    if (element instanceof GradientTombstone t) {
      BroadcastState<String, Long> tombstones = ctx.getBroadcastState(TOMBSTONES);
      if (!tombstones.contains(t.key())) {
        tombstones.put(t.key(), t.effectiveAt());
      }
      return;
    }
    InfluenceStoreEvent store = (InfluenceStoreEvent) element;
    BroadcastState<String, InfluenceStoreEvent> state = ctx.getBroadcastState(STORES);
    state.put(store.adapterId(), store);
    List<AttributionRequest> ready = new ArrayList<>();
    ctx.applyToKeyedState(
        WAITING,
        (key, list) -> {
          if (key.equals(store.adapterId())) {
            list.get().forEach(ready::add);
            list.clear();
          }
        });
    for (int from = 0; from < ready.size(); from += batchSize) {
      scoreBatch(
          ready.subList(from, Math.min(ready.size(), from + batchSize)),
          store,
          ctx.getBroadcastState(TOMBSTONES).immutableEntries(),
          rejection -> ctx.output(Rejections.TAG, rejection),
          out);
    }
  }

  /**
   * Checks and audits each event of one adapter, then scores those that pass in one pass over the
   * store; outputs keep the order of {@code requests}.
   */
  private void scoreBatch(
      List<AttributionRequest> requests,
      InfluenceStoreEvent store,
      Iterable<Map.Entry<String, Long>> tombstones,
      Consumer<Rejection> ctx,
      Collector<AttributionRequest> out) {
    if (requests.isEmpty()) {
      return;
    }
    InfluenceScoring scoring = null;
    String unavailable = null;
    if (store == null) {
      unavailable = "no influence store";
    } else {
      try {
        scoring = scoring(store);
      } catch (IOException | RuntimeException e) {
        unavailable = e.getMessage();
      }
    }
    List<AttributionRequest> accepted = new ArrayList<>(requests.size());
    List<InfluenceScoring.Query> queries = new ArrayList<>(requests.size());
    for (AttributionRequest in : requests) {
      InfluenceScoring.Query q = check(in, store, scoring, unavailable, tombstones, ctx);
      if (q != null) {
        accepted.add(in);
        queries.add(q);
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    List<GradientResult> results = scoring.score(queries);
    for (int i = 0; i < accepted.size(); i++) {
      out.collect(accepted.get(i).withGradient(results.get(i)));
      scored.inc();
    }
  }

  /** The event's query, or null when it is rejected (the rejection is emitted). */
  private InfluenceScoring.Query check(
      AttributionRequest in,
      InfluenceStoreEvent store,
      InfluenceScoring scoring,
      String unavailable,
      Iterable<Map.Entry<String, Long>> tombstones,
      Consumer<Rejection> ctx) {
    InferenceEvent event = in.event();
    QuerySketch sketch = event.querySketch();
    if (sketch == null) {
      reject(ctx, in, InferenceRejectionReason.MISSING_SKETCH, "no query sketch");
      return null;
    }
    if (scoring == null) {
      reject(ctx, in, InferenceRejectionReason.INFLUENCE_STORE_UNAVAILABLE, unavailable);
      return null;
    }
    if (sketch.dimension() != scoring.dimension()) {
      reject(
          ctx,
          in,
          InferenceRejectionReason.BAD_SKETCH,
          "sketch of dimension " + sketch.dimension() + ", store of " + scoring.dimension());
      return null;
    }
    boolean audit = SketchAudit.audited(event.eventId(), in.params().sketchAuditBps());
    if (audit) {
      audited.inc();
      float[] recomputed;
      try {
        recomputed = recompute(store, sketch.promptTokens(), event.outputText());
      } catch (IOException | RuntimeException e) {
        reject(ctx, in, InferenceRejectionReason.INFLUENCE_STORE_UNAVAILABLE, e.getMessage());
        return null;
      }
      if (!SketchAudit.matches(sketch.values(), recomputed, in.params().sketchToleranceBps())) {
        reject(
            ctx,
            in,
            InferenceRejectionReason.SKETCH_MISMATCH,
            "query sketch differs from its recomputation by more than "
                + in.params().sketchToleranceBps()
                + " bps; worker "
                + event.workerId());
        return null;
      }
    }
    return new InfluenceScoring.Query(
        sketch.values(), dead(scoring, tombstones, event.doneTime().toEpochMilli()), audit);
  }

  /**
   * The store's pieces tombstoned at {@code eventTime} (docs/attribution.md 9.1: those whose
   * manifest event took effect at or before it), null when none is.
   */
  static BitSet dead(
      InfluenceScoring scoring, Iterable<Map.Entry<String, Long>> tombstones, long eventTime) {
    BitSet dead = null;
    for (Map.Entry<String, Long> t : tombstones) {
      if (t.getValue() > eventTime) {
        continue;
      }
      String key = t.getKey();
      int[] pieces =
          key.startsWith(GradientTombstone.CONTRIBUTOR)
              ? scoring
                  .pieces()
                  .piecesOfContributor(key.substring(GradientTombstone.CONTRIBUTOR.length()))
              : scoring
                  .pieces()
                  .piecesOfContribution(key.substring(GradientTombstone.CONTRIBUTION.length()));
      for (int p : pieces) {
        if (dead == null) {
          dead = new BitSet(scoring.pieces().pieces());
        }
        dead.set(p);
      }
    }
    return dead;
  }

  private InfluenceScoring scoring(InfluenceStoreEvent store) throws IOException {
    Opened o = stores.get(store.adapterId());
    if (o != null && o.event().equals(store)) {
      return o.scoring();
    }
    Path file = Path.of(store.store());
    String actual = sha256(file);
    if (!actual.equals(store.sha256())) {
      throw new IOException(
          "influence store of "
              + store.adapterId()
              + " has SHA-256 "
              + actual
              + ", manifest pins "
              + store.sha256());
    }
    InfluenceScoring scoring = new InfluenceScoring(InfluenceStore.open(file));
    stores.put(store.adapterId(), new Opened(store, scoring));
    LOG.info("influence store of {} open: dimension {}", store.adapterId(), scoring.dimension());
    return scoring;
  }

  private float[] recompute(InfluenceStoreEvent store, int[] prompt, String output)
      throws IOException {
    String key = store.baseModelDir() + "|" + store.adapterDir();
    Auditor a = auditors.get(key);
    if (a == null) {
      Path base = Path.of(store.baseModelDir());
      a =
          new Auditor(
              QuerySketcher.open(
                  base, Path.of(store.adapterDir()), InfluenceSketches.DEFAULT_K, Device.cpu()),
              TextTokenizer.load(base));
      auditors.put(key, a);
      while (auditors.size() > AUDITORS) {
        var eldest = auditors.entrySet().iterator().next();
        eldest.getValue().sketcher().close();
        eldest.getValue().tokenizer().close();
        auditors.remove(eldest.getKey());
      }
    }
    int[] tokens = a.tokenizer().encode(output, false);
    if (tokens.length == 0) {
      throw new IllegalArgumentException("the output has no tokens to sketch");
    }
    return a.sketcher().sketch(prompt, tokens);
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void reject(
      Consumer<Rejection> ctx,
      AttributionRequest in,
      InferenceRejectionReason reason,
      String detail) {
    rejected.get(reason).inc();
    ctx.accept(EventGate.rejection(in.event(), sourceOf(in), reason, detail));
  }

  @Override
  public void close() {
    if (auditors != null) {
      auditors
          .values()
          .forEach(
              a -> {
                a.sketcher().close();
                a.tokenizer().close();
              });
    }
  }
}
