package io.payable.attribution.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The JSON encoding of {@link AttributedReward}, version 1 (wei as decimal strings). */
public final class AttributedRewardJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AttributedRewardJson() {}

  public static byte[] encode(AttributedReward r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", AttributedReward.VERSION);
    n.put("event_id", r.eventId());
    n.put("event_time", r.eventTime());
    n.put("epoch", r.epoch());
    n.put("model_id", r.modelId());
    n.put("adapter_id", r.adapterId());
    n.put("consumer", r.consumer());
    n.put("worker_id", r.workerId());
    n.put("fee_wei", r.feeWei().toString());
    n.put("attributed", r.attributed());
    ArrayNode payouts = n.putArray("payouts");
    for (Payout p : r.payouts()) {
      ObjectNode o = payouts.addObject();
      o.put("recipient", p.recipient());
      o.put("role", p.role().name().toLowerCase(Locale.ROOT));
      o.put("amount_wei", p.amount().toString());
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a version-1 reward record
   */
  public static AttributedReward decode(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || n.path("version").asInt() != AttributedReward.VERSION) {
        throw new IllegalArgumentException("not a version " + AttributedReward.VERSION + " reward");
      }
      List<Payout> payouts = new ArrayList<>();
      for (JsonNode p : n.get("payouts")) {
        payouts.add(
            new Payout(
                p.get("recipient").asText(),
                PayoutRole.valueOf(p.get("role").asText().toUpperCase(Locale.ROOT)),
                new BigInteger(p.get("amount_wei").asText())));
      }
      return new AttributedReward(
          n.get("event_id").asText(),
          n.get("event_time").asLong(),
          n.get("epoch").asLong(),
          n.get("model_id").asText(),
          n.get("adapter_id").asText(),
          n.get("consumer").asText(),
          n.get("worker_id").asText(),
          new BigInteger(n.get("fee_wei").asText()),
          n.get("attributed").asBoolean(),
          payouts);
    } catch (IOException | NullPointerException | NumberFormatException e) {
      throw new IllegalArgumentException("malformed reward record", e);
    }
  }
}
