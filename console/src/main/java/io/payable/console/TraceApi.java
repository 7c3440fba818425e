package io.payable.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.attribution.sink.AttributionTables;
import io.payable.settlement.SettlementTables;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * The trace page's data: an attributed event's output with its spans or, for an adapter attributed
 * by gradients (attribution v2), its top training examples, who they credit, and the exact split of
 * its fee, plus where that money went on chain (the epoch's root).
 */
final class TraceApi {

  private final Warehouse warehouse;
  private final ChainReads chain;
  private final InferenceOutputs outputs;

  TraceApi(Warehouse warehouse, ChainReads chain, InferenceOutputs outputs) {
    this.warehouse = warehouse;
    this.chain = chain;
    this.outputs = outputs;
  }

  /**
   * GET /api/attributions: the newest attributed events, one line each. Reads the last ten minutes
   * of event time first, then the last day, then everything, until it has {@code limit} events:
   * Iceberg skips the data files whose event-time range ends earlier, so a busy table is not read
   * whole for the newest page.
   */
  Object recent(Request request) {
    int limit = request.intQuery("limit", 50, 1, 500);
    long nowMicros = System.currentTimeMillis() * 1000;
    Map<String, ObjectNode> events = new LinkedHashMap<>();
    for (long windowMinutes : new long[] {10, 24 * 60, -1}) {
      events.clear();
      Expression filter =
          windowMinutes < 0
              ? Expressions.alwaysTrue()
              : Expressions.greaterThanOrEqual(
                  "event_time", nowMicros - windowMinutes * 60_000_000L);
      for (Record r : warehouse.rows(AttributionTables.ATTRIBUTIONS, filter)) {
        String id = (String) r.getField("event_id");
        ObjectNode e = events.computeIfAbsent(id, k -> header(r));
        if ("contributor".equals(r.getField("role"))) {
          e.put("contributors", e.path("contributors").asInt() + 1);
        }
      }
      if (events.size() >= limit) {
        break;
      }
    }
    List<ObjectNode> sorted = new ArrayList<>(events.values());
    sorted.sort(
        Comparator.comparing((ObjectNode e) -> e.get("event_time").asText())
            .reversed()
            .thenComparing(e -> e.get("event_id").asText()));
    ArrayNode out = Json.MAPPER.createArrayNode();
    sorted.stream().limit(limit).forEach(out::add);
    return out;
  }

  private static ObjectNode header(Record r) {
    ObjectNode e = Json.object();
    e.put("event_id", (String) r.getField("event_id"));
    e.put("event_time", String.valueOf(r.getField("event_time")));
    e.put("epoch", (Long) r.getField("epoch"));
    e.put("model_id", (String) r.getField("model_id"));
    e.put("adapter_id", (String) r.getField("adapter_id"));
    e.put("consumer", (String) r.getField("consumer"));
    e.put("worker_id", (String) r.getField("worker_id"));
    e.put("fee_wei", ((BigDecimal) r.getField("fee_wei")).toBigIntegerExact().toString());
    e.put("attributed", (Boolean) r.getField("attributed"));
    // Rows written before attribution v2 have no method: they were attributed by spans.
    Object method = r.getField("method");
    e.put("method", method == null ? "spans" : (String) method);
    e.put("contributors", 0);
    return e;
  }

  /** GET /api/attributions/{eventId}: the whole trace of one event. */
  Object event(Request request) throws Exception {
    ObjectNode out = trace(request.param(0));
    ObjectNode settlement = (ObjectNode) out.get("settlement");
    OptionalLong active = chain.rewards().activeEpoch();
    settlement.put(
        "claimable", active.isPresent() && active.getAsLong() >= settlement.get("epoch").asLong());
    settlement.put("distributor", chain.deployment().rewardDistributor());
    return out;
  }

  /**
   * The trace of one event from the tables (and the output text, when known): everything {@link
   * #event} answers but what the chain says about its epoch's root.
   */
  ObjectNode trace(String id) {
    List<Record> rows =
        warehouse.rows(AttributionTables.ATTRIBUTIONS, Expressions.equal("event_id", id));
    if (rows.isEmpty()) {
      throw ApiException.notFound("No attributed event " + id);
    }
    ObjectNode out = header(rows.get(0));
    BigDecimal sum = BigDecimal.ZERO;
    ArrayNode split = out.putArray("split");
    rows.sort(
        Comparator.comparing((Record r) -> roleOrder((String) r.getField("role")))
            .thenComparing(r -> ((BigDecimal) r.getField("amount_wei")).negate())
            .thenComparing(r -> (String) r.getField("recipient")));
    for (Record r : rows) {
      BigDecimal amount = (BigDecimal) r.getField("amount_wei");
      sum = sum.add(amount);
      ObjectNode s = split.addObject();
      s.put("recipient", (String) r.getField("recipient"));
      s.put("role", (String) r.getField("role"));
      Object score = r.getField("score");
      if (score == null) {
        s.putNull("share");
      } else {
        s.put("share", (Double) score);
      }
      s.put("amount_wei", amount.toBigIntegerExact().toString());
    }
    out.put("split_sum_wei", sum.toBigIntegerExact().toString());
    out.put("split_sums_to_fee", sum.compareTo(new BigDecimal(out.get("fee_wei").asText())) == 0);

    String output = outputs.output(id).orElse(null);
    out.put("output_text", output);
    ArrayNode spans = out.putArray("spans");
    List<Record> spanRows =
        new ArrayList<>(warehouse.rows(AttributionTables.SPANS, Expressions.equal("event_id", id)));
    spanRows.sort(
        Comparator.comparing((Record r) -> (Integer) r.getField("start_token"))
            .thenComparing(r -> (Integer) r.getField("end_token")));
    for (Record r : spanRows) {
      ObjectNode s = spans.addObject();
      String text = (String) r.getField("text");
      s.put("start_token", (Integer) r.getField("start_token"));
      s.put("end_token", (Integer) r.getField("end_token"));
      s.put("text", text);
      s.put("occurrences", (Long) r.getField("occurrences"));
      s.put("documents", (Integer) r.getField("documents"));
      s.put("weight", (Double) r.getField("weight"));
      ArrayNode contributors = s.putArray("contributors");
      for (Object c : (List<?>) r.getField("contributors")) {
        contributors.add((String) c);
      }
      int at = output == null ? -1 : output.indexOf(text);
      if (at >= 0) {
        s.put("char_start", at);
        s.put("char_end", at + text.length());
      }
    }

    // Attribution v2: the training examples of highest influence on the output, best first.
    ArrayNode influences = out.putArray("influences");
    List<Record> influenceRows =
        new ArrayList<>(
            warehouse.rows(AttributionTables.INFLUENCES, Expressions.equal("event_id", id)));
    // One row per piece of an example: its pieces share the rank.
    influenceRows.sort(
        Comparator.comparing((Record r) -> (Integer) r.getField("rank"))
            .thenComparing(r -> (String) r.getField("contribution_id")));
    for (Record r : influenceRows) {
      ObjectNode i = influences.addObject();
      i.put("rank", (Integer) r.getField("rank"));
      i.put("example", (Long) r.getField("example"));
      i.put("contribution_id", (String) r.getField("contribution_id"));
      i.put("contributor", (String) r.getField("contributor"));
      i.put("score", (Double) r.getField("score"));
    }

    long epoch = (Long) rows.get(0).getField("epoch");
    ObjectNode settlement = out.putObject("settlement");
    settlement.put("epoch", epoch);
    List<Record> settled =
        warehouse.rows(SettlementTables.SETTLEMENTS, Expressions.equal("epoch", epoch));
    if (settled.isEmpty()) {
      settlement.put("status", "not_settled");
    } else {
      Record s = settled.get(0);
      settlement.put("status", (String) s.getField("status"));
      settlement.put("root", (String) s.getField("root"));
      settlement.put("tx_hash", (String) s.getField("tx_hash"));
      Object block = s.getField("block_number");
      if (block != null) {
        settlement.put("block_number", (Long) block);
      }
    }
    return out;
  }

  private static int roleOrder(String role) {
    return switch (role) {
      case "contributor" -> 0;
      case "datanet_treasury" -> 1;
      case "model_owner" -> 2;
      case "worker" -> 3;
      default -> 4;
    };
  }

  /** POST /api/trace {output}: the attributed events whose output is this text. */
  Object byOutput(Request request) {
    String text = Request.text(request.json(), "output");
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (String id : outputs.eventsWithOutput(text)) {
      if (!warehouse
          .rows(AttributionTables.ATTRIBUTIONS, Expressions.equal("event_id", id))
          .isEmpty()) {
        out.add(id);
      }
    }
    ObjectNode result = Json.object();
    result.set("event_ids", out);
    if (out.isEmpty()) {
      result.put(
          "message",
          "No attributed event has exactly this output (yet): events are matched on their whole"
              + " output text.");
    }
    return result;
  }
}
