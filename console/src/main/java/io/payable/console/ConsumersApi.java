package io.payable.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.attribution.sink.AttributionTables;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;

/**
 * The consumers page's data: what a consumer paid per epoch, from the attributed events (each
 * event's fee counted once). Deposits and balances need the consumer escrow contract, which this
 * deployment does not have yet; the answer says so rather than showing a zero.
 */
final class ConsumersApi {

  private final Warehouse warehouse;

  ConsumersApi(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  Object consumer(Request request) {
    String consumer = request.param(0);
    Map<Long, BigDecimal> spent = new TreeMap<>();
    Map<Long, Set<String>> events = new TreeMap<>();
    for (Record r :
        warehouse.rows(AttributionTables.ATTRIBUTIONS, Expressions.equal("consumer", consumer))) {
      long epoch = (Long) r.getField("epoch");
      if (events
          .computeIfAbsent(epoch, k -> new HashSet<>())
          .add((String) r.getField("event_id"))) {
        spent.merge(epoch, (BigDecimal) r.getField("fee_wei"), BigDecimal::add);
      }
    }
    ObjectNode out = Json.object();
    out.put("consumer", consumer);
    ArrayNode epochs = out.putArray("epochs");
    BigDecimal total = BigDecimal.ZERO;
    int count = 0;
    for (var e : spent.entrySet()) {
      int n = events.get(e.getKey()).size();
      epochs
          .addObject()
          .put("epoch", e.getKey())
          .put("events", n)
          .put("spent_wei", e.getValue().toBigIntegerExact().toString());
      total = total.add(e.getValue());
      count += n;
    }
    out.put("spent_wei", total.toBigIntegerExact().toString());
    out.put("events", count);
    out.put("escrow", false);
    out.put(
        "escrow_note",
        "Deposits and balances are read from the consumer escrow contract; this deployment has"
            + " none, so only the spend recorded by attribution is shown.");
    return out;
  }
}
