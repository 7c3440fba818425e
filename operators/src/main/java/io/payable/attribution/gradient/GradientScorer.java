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
import java.util.ArrayList;
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
        String, AttributionRequest, InfluenceStoreEvent, AttributionRequest> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GradientScorer.class);

  /** Influence stores by adapter id (broadcast from {@code influence.manifest}). */
  public static final MapStateDescriptor<String, InfluenceStoreEvent> STORES =
      new MapStateDescriptor<>(
          "influence-stores",
          BasicTypeInfo.STRING_TYPE_INFO,
          TypeInformation.of(InfluenceStoreEvent.class));

  private static final ListStateDescriptor<AttributionRequest> WAITING =
      new ListStateDescriptor<>("waiting-for-store", TypeInformation.of(AttributionRequest.class));

  /** Audit models kept open (each holds a base model). */
  private static final int AUDITORS = 2;

  private final boolean followsStores;

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
    this.followsStores = followsStores;
  }

  @Override
  public void open(OpenContext context) {
    waiting = getRuntimeContext().getListState(WAITING);
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
    score(in, store, r -> ctx.output(Rejections.TAG, r), out);
  }

  @Override
  public void processBroadcastElement(
      InfluenceStoreEvent store, Context ctx, Collector<AttributionRequest> out) throws Exception {
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
    for (AttributionRequest r : ready) {
      score(r, store, rejection -> ctx.output(Rejections.TAG, rejection), out);
    }
  }

  private void score(
      AttributionRequest in,
      InfluenceStoreEvent store,
      Consumer<Rejection> ctx,
      Collector<AttributionRequest> out) {
    InferenceEvent event = in.event();
    QuerySketch sketch = event.querySketch();
    if (sketch == null) {
      reject(ctx, in, InferenceRejectionReason.MISSING_SKETCH, "no query sketch");
      return;
    }
    InfluenceScoring scoring;
    try {
      scoring = scoring(store);
    } catch (IOException | RuntimeException e) {
      reject(ctx, in, InferenceRejectionReason.INFLUENCE_STORE_UNAVAILABLE, e.getMessage());
      return;
    }
    if (sketch.dimension() != scoring.dimension()) {
      reject(
          ctx,
          in,
          InferenceRejectionReason.BAD_SKETCH,
          "sketch of dimension " + sketch.dimension() + ", store of " + scoring.dimension());
      return;
    }
    boolean audit = SketchAudit.audited(event.eventId(), in.params().sketchAuditBps());
    if (audit) {
      audited.inc();
      float[] recomputed;
      try {
        recomputed = recompute(store, sketch.promptTokens(), event.outputText());
      } catch (IOException | RuntimeException e) {
        reject(ctx, in, InferenceRejectionReason.INFLUENCE_STORE_UNAVAILABLE, e.getMessage());
        return;
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
        return;
      }
    }
    // Tombstones are not applied to gradient credit yet (docs/attribution.md, V2.6 step 3 is
    // served by ContributorInfluence's live predicate once the scorer follows index.manifest).
    out.collect(in.withGradient(scoring.score(sketch.values(), p -> true, audit)));
    scored.inc();
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
