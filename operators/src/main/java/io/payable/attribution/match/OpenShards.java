package io.payable.attribution.match;

import io.payable.index.query.ShardedIndex;
import io.payable.index.shard.Shard;
import io.payable.index.tokenize.Tokenizer;
import io.payable.index.tombstone.Tombstones;
import io.payable.ingest.shard.ShardManifestEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards one group holds, following the {@code index.manifest} events: a sealed shard is opened
 * (retried until its files are in place, since they are committed separately from the event), a
 * compacted shard is opened and the shards it supersedes are closed. Not thread-safe: one per
 * subtask.
 */
public final class OpenShards implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenShards.class);

  private final int group;
  private final int groups;
  private final Tokenizer tokenizer;
  private final ShardCache cache;

  private final Map<String, ShardManifestEvent> pending = new LinkedHashMap<>();
  private final Map<String, OpenShard> open = new HashMap<>();
  private final Map<List<String>, GroupIndex> indexes = new HashMap<>();
  // Documents tombstoned by manifest events, with the event time from which they take effect.
  private final Map<String, Long> tombstonedAt = new HashMap<>();
  // Penalised contributors (lower-case), with the event time from which none of their documents
  // is credited.
  private final Map<String, Long> penalizedAt = new HashMap<>();
  private long latestTombstone = Long.MIN_VALUE;
  private final Map<GroupIndex, Tombstones> allDead = new java.util.IdentityHashMap<>();

  private record OpenShard(ShardManifestEvent event, Shard shard) {}

  /** This group's shards of some Datanets, ordered by shard key, with the keys. */
  public record GroupIndex(
      ShardedIndex index, List<String> keys, Map<String, Long> tokens, Tombstones untimed) {}

  public OpenShards(int group, int groups, Tokenizer tokenizer, ShardCache cache) {
    this.group = group;
    this.groups = groups;
    this.tokenizer = tokenizer;
    this.cache = cache;
  }

  /** Follows one manifest event (in the order of the topic). */
  public void apply(ShardManifestEvent event) {
    if (event.isPenalty()) {
      if (penalizedAt.putIfAbsent(event.contributor().toLowerCase(), event.effectiveAt()) == null) {
        latestTombstone = Math.max(latestTombstone, event.effectiveAt());
        invalidate();
      }
      return;
    }
    if (event.isTombstone()) {
      if (tombstonedAt.putIfAbsent(event.contributionId(), event.effectiveAt()) == null) {
        latestTombstone = Math.max(latestTombstone, event.effectiveAt());
        invalidate();
      }
      return;
    }
    for (String superseded : event.supersedes()) {
      pending.remove(superseded);
      if (open.remove(superseded) != null) {
        invalidate();
        try {
          cache.evict(superseded);
        } catch (IOException e) {
          LOG.warn("could not remove the cached copy of shard {}", superseded, e);
        }
      }
    }
    if (ShardKeys.groupOf(event.shardId(), groups) == group && !open.containsKey(event.shardId())) {
      pending.put(event.shardId(), event);
    }
  }

  /** Opens the shards whose files have arrived; the others stay pending. */
  public void openPending() {
    if (pending.isEmpty()) {
      return;
    }
    var it = pending.values().iterator();
    while (it.hasNext()) {
      ShardManifestEvent event = it.next();
      try {
        Shard shard = Shard.open(cache.local(event.shardId(), event.path()));
        open.put(event.shardId(), new OpenShard(event, shard));
        it.remove();
        invalidate();
        LOG.info(
            "group {} opened shard {} of Datanet {}", group, event.shardId(), event.datanetId());
      } catch (IOException | RuntimeException e) {
        LOG.debug("shard {} not ready yet: {}", event.shardId(), e.toString());
      }
    }
  }

  public int openCount() {
    return open.size();
  }

  public int pendingCount() {
    return pending.size();
  }

  /** This group's open shards of {@code datanets}, as one index (cached until shards change). */
  public GroupIndex index(List<String> datanets) {
    return indexes.computeIfAbsent(List.copyOf(datanets), this::build);
  }

  private GroupIndex build(List<String> datanets) {
    TreeMap<String, OpenShard> byKey = new TreeMap<>(Comparator.naturalOrder());
    Map<String, Long> tokens = new LinkedHashMap<>();
    for (OpenShard s : open.values()) {
      if (datanets.contains(s.event().datanetId())) {
        byKey.put(ShardKeys.orderKey(s.event().datanetId(), s.event().sequence()), s);
        tokens.merge(s.event().datanetId(), s.shard().manifest().tokens(), Long::sum);
      }
    }
    List<Shard> shards = new ArrayList<>();
    byKey.values().forEach(s -> shards.add(s.shard()));
    Tombstones untimed = tombstones(shards);
    ShardedIndex index = ShardedIndex.sequential(shards, tokenizer, untimed);
    return new GroupIndex(index, List.copyOf(byKey.keySet()), Map.copyOf(tokens), untimed);
  }

  /**
   * The tombstones that apply to an event at {@code eventTimeMillis}: those of {@code
   * tombstones.json} without a manifest event, and those whose manifest event took effect at or
   * before that time. An event earlier than a withdrawal still credits the document.
   */
  public Tombstones tombstonesAt(GroupIndex index, long eventTimeMillis) {
    if (tombstonedAt.isEmpty() && penalizedAt.isEmpty()) {
      return index.untimed();
    }
    if (eventTimeMillis >= latestTombstone) {
      // The usual case, every tombstone already in effect: one set per shard-set change.
      return allDead.computeIfAbsent(
          index,
          i -> {
            java.util.Set<String> dead = new java.util.TreeSet<>(tombstonedAt.keySet());
            dead.addAll(penalizedDocuments(index, eventTimeMillis));
            return index.untimed().with(dead);
          });
    }
    java.util.Set<String> dead =
        new java.util.TreeSet<>(penalizedDocuments(index, eventTimeMillis));
    for (String doc : index.untimed().docIds()) {
      if (!tombstonedAt.containsKey(doc)) {
        dead.add(doc);
      }
    }
    tombstonedAt.forEach(
        (doc, at) -> {
          if (at <= eventTimeMillis) {
            dead.add(doc);
          }
        });
    return Tombstones.of(dead);
  }

  /**
   * Withdrawn or slashed documents: the {@code tombstones.json} of each Datanet's index directory
   * (the parent of its shards), read whenever the shard set changes.
   */
  private static Tombstones tombstones(List<Shard> shards) {
    Tombstones all = Tombstones.none();
    for (var dir : shards.stream().map(s -> s.dir().getParent()).distinct().toList()) {
      if (dir != null) {
        all = all.with(Tombstones.load(dir).docIds());
      }
    }
    return all;
  }

  /** Documents in the group's shards of contributors penalised at or before the time. */
  private java.util.Set<String> penalizedDocuments(GroupIndex index, long eventTimeMillis) {
    java.util.Set<String> docs = new java.util.TreeSet<>();
    if (penalizedAt.isEmpty()) {
      return docs;
    }
    for (Shard shard : index.index().shards()) {
      for (var d : shard.documents()) {
        Long at = penalizedAt.get(d.contributor().toLowerCase());
        if (at != null && at <= eventTimeMillis) {
          docs.add(d.docId());
        }
      }
    }
    return docs;
  }

  private void invalidate() {
    allDead.clear();
    indexes.values().forEach(i -> i.index().close());
    indexes.clear();
  }

  @Override
  public void close() {
    invalidate();
    open.clear();
  }
}
