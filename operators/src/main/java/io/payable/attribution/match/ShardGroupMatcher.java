package io.payable.attribution.match;

import io.payable.attribution.intake.AttributionRequest;
import io.payable.index.query.PartialMatch;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tokenize.Tokenizers;
import io.payable.ingest.shard.ShardManifestEvent;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One shard group: each parallel subtask holds the shards that {@link ShardKeys#groupOf} assigns
 * it, sees every event (the events are broadcast) and answers each with its {@link PartialMatch}
 * over its shards of the adapter's Datanets. The manifest events are broadcast too and kept in
 * broadcast state, so a restored subtask reopens its shards; a shard sealed while the job runs is
 * opened as soon as its files are in place, with no restart.
 */
public final class ShardGroupMatcher
    extends BroadcastProcessFunction<AttributionRequest, ShardManifestEvent, GroupMatch> {

  private static final long serialVersionUID = 1L;

  /** Every manifest event that is still in force, by shard id. */
  public static final MapStateDescriptor<String, ShardManifestEvent> SHARDS =
      new MapStateDescriptor<>(
          "index-shards",
          BasicTypeInfo.STRING_TYPE_INFO,
          TypeInformation.of(ShardManifestEvent.class));

  private final String tokenizerId;
  private final String cacheDir;
  private final HashMap<String, String> kafkaClient;
  private final String manifestTopic;

  private transient int group;
  private transient int groups;
  private transient OpenShards shards;
  private transient boolean restored;
  private transient Tokenizer tokenizer;
  private transient Histogram matchMicros;

  /**
   * @param bootstrapServers and {@code manifestTopic}: where the shard set is read from at start
   */
  public ShardGroupMatcher(
      String tokenizerId, String cacheDir, String bootstrapServers, String manifestTopic) {
    this(tokenizerId, cacheDir, Map.of("bootstrap.servers", bootstrapServers), manifestTopic);
  }

  /**
   * @param kafkaClient the settings of the consumer that reads the manifest at start: {@code
   *     bootstrap.servers} and any connection settings of the cluster (TLS, SASL)
   */
  public ShardGroupMatcher(
      String tokenizerId, String cacheDir, Map<String, String> kafkaClient, String manifestTopic) {
    this.tokenizerId = tokenizerId;
    this.cacheDir = cacheDir;
    this.kafkaClient = new HashMap<>(kafkaClient);
    this.manifestTopic = manifestTopic;
  }

  @Override
  public void open(OpenContext context) {
    tokenizer = Tokenizers.byId(tokenizerId);
    group = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    groups = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    shards =
        new OpenShards(
            group, groups, tokenizer, new ShardCache(Path.of(cacheDir, "group-" + group)));
    ManifestSnapshot.read(kafkaClient, manifestTopic).forEach(shards::apply);
    shards.openPending();
    var metrics = getRuntimeContext().getMetricGroup().addGroup("attribution");
    metrics.gauge("shardsOpen", (Gauge<Integer>) () -> shards.openCount());
    metrics.gauge("shardsPending", (Gauge<Integer>) () -> shards.pendingCount());
    matchMicros = metrics.histogram("groupMatchMicros", new DescriptiveStatisticsHistogram(1000));
  }

  @Override
  public void processBroadcastElement(
      ShardManifestEvent event, Context ctx, Collector<GroupMatch> out) throws Exception {
    var state = ctx.getBroadcastState(SHARDS);
    for (String superseded : event.supersedes()) {
      state.remove(superseded);
    }
    state.put(event.shardId(), event);
    restoreOnce(state);
    shards.apply(event);
    shards.openPending();
  }

  @Override
  public void processElement(
      AttributionRequest request, ReadOnlyContext ctx, Collector<GroupMatch> out) throws Exception {
    restoreOnce(ctx.getBroadcastState(SHARDS));
    shards.openPending();
    long start = System.nanoTime();
    List<String> datanets = request.adapter().datanetIds();
    OpenShards.GroupIndex index = shards.index(datanets);
    index
        .index()
        .setTombstones(shards.tombstonesAt(index, request.event().doneTime().toEpochMilli()));
    int[] tokens = tokenizer.encode(request.event().outputText());
    PartialMatch partial =
        index.keys().isEmpty()
            ? PartialMatch.empty(tokens.length)
            : index.index().partialMatch(tokens, request.params().spanParams(), index.keys());
    out.collect(new GroupMatch(request, group, groups, partial, index.tokens()));
    matchMicros.update((System.nanoTime() - start) / 1000);
  }

  /** After a restore, opens the shards the broadcast state lists (once, on first use). */
  private void restoreOnce(ReadOnlyBroadcastState<String, ShardManifestEvent> state)
      throws Exception {
    if (restored) {
      return;
    }
    restored = true;
    for (var entry : state.immutableEntries()) {
      shards.apply(entry.getValue());
    }
  }

  @Override
  public void close() {
    if (shards != null) {
      shards.close();
    }
  }
}
