package io.payable.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.ingest.sink.IngestTables;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;

/** The Datanets page's data: each Datanet's size, and a Datanet's contributions. */
final class DatanetsApi {

  private final Warehouse warehouse;
  private final ChainReads chain;

  DatanetsApi(Warehouse warehouse, ChainReads chain) {
    this.warehouse = warehouse;
    this.chain = chain;
  }

  private static final class Totals {
    long contributions;
    long tokens;
    long bytes;
    final Set<String> contributors = new HashSet<>();
    final Set<String> licenses = new TreeSet<>();
    final Set<String> shards = new HashSet<>();
  }

  /** The totals of the table snapshots they were computed from: recomputed when either changes. */
  private record CachedTotals(long contributions, long shards, Map<String, Totals> totals) {}

  private volatile CachedTotals cached;

  /** Every Datanet on chain, with its totals from the tables. */
  Object list() throws Exception {
    long contributions = warehouse.snapshotId(IngestTables.CONTRIBUTIONS);
    long shards = warehouse.snapshotId(IngestTables.INDEX_SHARDS);
    CachedTotals c = cached;
    if (c == null || c.contributions() != contributions || c.shards() != shards) {
      c = new CachedTotals(contributions, shards, totals());
      cached = c;
    }
    Map<String, Totals> totals = c.totals();
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ChainReads.DatanetInfo d : chain.datanets()) {
      Totals t = totals.getOrDefault(d.id(), new Totals());
      ObjectNode n = out.addObject();
      n.put("id", d.id());
      n.put("name", name(d.metadataUri()));
      n.put("metadata_uri", d.metadataUri());
      n.put("owner", d.owner());
      n.put("treasury", d.treasury());
      n.put("open", d.open());
      n.put("contributions", t.contributions);
      n.put("contributors", t.contributors.size());
      n.put("tokens", t.tokens);
      n.put("bytes", t.bytes);
      n.put("shards", t.shards.size());
      ArrayNode licenses = n.putArray("licenses");
      t.licenses.forEach(licenses::add);
    }
    return out;
  }

  private Map<String, Totals> totals() {
    Map<String, Totals> totals = new HashMap<>();
    for (Record r : warehouse.rows(IngestTables.CONTRIBUTIONS)) {
      Totals t = totals.computeIfAbsent((String) r.getField("datanet_id"), k -> new Totals());
      t.contributions++;
      t.tokens += (Integer) r.getField("token_count");
      t.bytes += (Integer) r.getField("byte_count");
      t.contributors.add((String) r.getField("contributor"));
      if (r.getField("license") != null) {
        t.licenses.add((String) r.getField("license"));
      }
    }
    // Live shards: sealed and not replaced by a compacted one.
    Set<String> superseded = new HashSet<>();
    List<Record> shards = warehouse.rows(IngestTables.INDEX_SHARDS);
    for (Record r : shards) {
      for (Object s : (List<?>) r.getField("supersedes")) {
        superseded.add((String) s);
      }
    }
    for (Record r : shards) {
      String id = (String) r.getField("shard_id");
      if (!superseded.contains(id)) {
        totals.computeIfAbsent((String) r.getField("datanet_id"), k -> new Totals()).shards.add(id);
      }
    }
    return totals;
  }

  /** A short name from the metadata URI: its last path or scheme-specific part. */
  static String name(String metadataUri) {
    if (metadataUri == null || metadataUri.isBlank()) {
      return "(unnamed)";
    }
    String s = metadataUri.replaceAll("/+$", "");
    int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf(':'));
    return cut >= 0 && cut < s.length() - 1 ? s.substring(cut + 1) : s;
  }

  /** One page of a Datanet's contributions, newest first, optionally filtered by {@code q}. */
  Object contributions(Request request) {
    String datanet = request.param(0).toLowerCase(Locale.ROOT);
    int page = request.intQuery("page", 0, 0, 1_000_000);
    int size = request.intQuery("size", 20, 1, 200);
    String q = request.query("q").map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
    List<Record> rows =
        new ArrayList<>(
            warehouse.rows(IngestTables.CONTRIBUTIONS, Expressions.equal("datanet_id", datanet)));
    if (q != null) {
      rows.removeIf(r -> !matches(r, q));
    }
    rows.sort(
        Comparator.comparing((Record r) -> r.getField("accepted_at").toString())
            .reversed()
            .thenComparing(r -> (String) r.getField("contribution_id")));
    ObjectNode out = Json.object();
    out.put("datanet_id", datanet);
    out.put("total", rows.size());
    out.put("page", page);
    out.put("size", size);
    ArrayNode items = out.putArray("items");
    int from = Math.min(rows.size(), page * size);
    for (Record r : rows.subList(from, Math.min(rows.size(), from + size))) {
      items.add(contribution(r));
    }
    return out;
  }

  private static boolean matches(Record r, String q) {
    for (String field :
        new String[] {"contribution_id", "contributor", "content_hash", "license", "shard_id"}) {
      Object v = r.getField(field);
      if (v != null && v.toString().toLowerCase(Locale.ROOT).contains(q)) {
        return true;
      }
    }
    return false;
  }

  static ObjectNode contribution(Record r) {
    ObjectNode n = Json.object();
    n.put("contribution_id", (String) r.getField("contribution_id"));
    n.put("datanet_id", (String) r.getField("datanet_id"));
    n.put("contributor", (String) r.getField("contributor"));
    n.put("content_hash", (String) r.getField("content_hash"));
    n.put("token_count", (Integer) r.getField("token_count"));
    n.put("byte_count", (Integer) r.getField("byte_count"));
    n.put("nonce", (String) r.getField("nonce"));
    n.put("submitted_at", String.valueOf(r.getField("submitted_at")));
    n.put("accepted_at", String.valueOf(r.getField("accepted_at")));
    n.put("license", (String) r.getField("license"));
    n.put("shard_id", (String) r.getField("shard_id"));
    return n;
  }
}
