package io.payable.attribution.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.attribution.split.Payout;
import io.payable.attribution.split.PayoutRole;
import io.payable.wire.inference.InferenceEvent;
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
    if (r.consumerCharged() != null) {
      n.put("consumer_charged_wei", r.consumerCharged().toString());
      ObjectNode v = n.putObject("consumer_voucher");
      v.put("amount_wei", r.consumerVoucher().cumulativeAmount().toString());
      v.put("expiry", r.consumerVoucher().expiry());
      v.put("signature", r.consumerVoucher().signature());
    }
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
   * Decodes a record strictly: every field present with its type (wei as decimal strings of at most
   * 78 digits, times and epochs as integers), so that a record of the wrong shape is refused rather
   * than read as zeros.
   *
   * @throws IllegalArgumentException when the bytes are not a version-1 reward record
   */
  public static AttributedReward decode(byte[] bytes) {
    JsonNode n;
    try {
      n = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed reward record: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("malformed reward record: not a JSON object");
    }
    JsonNode version = n.get("version");
    if (version == null || !version.isInt() || version.intValue() != AttributedReward.VERSION) {
      throw new IllegalArgumentException("not a version " + AttributedReward.VERSION + " reward");
    }
    JsonNode payoutNodes = field(n, "payouts");
    if (!payoutNodes.isArray()) {
      throw new IllegalArgumentException("payouts: expected an array");
    }
    List<Payout> payouts = new ArrayList<>(payoutNodes.size());
    for (JsonNode p : payoutNodes) {
      if (!p.isObject()) {
        throw new IllegalArgumentException("payouts: expected objects");
      }
      PayoutRole role;
      try {
        role = PayoutRole.valueOf(text(p, "role").toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("role: unknown", e);
      }
      payouts.add(new Payout(text(p, "recipient"), role, wei(p, "amount_wei")));
    }
    JsonNode attributed = field(n, "attributed");
    if (!attributed.isBoolean()) {
      throw new IllegalArgumentException("attributed: expected a boolean");
    }
    return new AttributedReward(
        text(n, "event_id"),
        integer(n, "event_time"),
        integer(n, "epoch"),
        text(n, "model_id"),
        text(n, "adapter_id"),
        text(n, "consumer"),
        text(n, "worker_id"),
        wei(n, "fee_wei"),
        attributed.booleanValue(),
        payouts,
        n.hasNonNull("consumer_charged_wei") ? wei(n, "consumer_charged_wei") : null,
        n.hasNonNull("consumer_voucher") ? voucher(field(n, "consumer_voucher")) : null);
  }

  private static InferenceEvent.PaymentVoucher voucher(JsonNode v) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("consumer_voucher: expected an object");
    }
    return new InferenceEvent.PaymentVoucher(
        wei(v, "amount_wei"), integer(v, "expiry"), text(v, "signature"));
  }

  private static JsonNode field(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field " + name);
    }
    return v;
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = field(n, name);
    if (!v.isTextual()) {
      throw new IllegalArgumentException(name + ": expected a string");
    }
    return v.textValue();
  }

  private static long integer(JsonNode n, String name) {
    JsonNode v = field(n, name);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(name + ": expected a 64-bit integer");
    }
    return v.longValue();
  }

  /** A decimal wei amount; its length is checked first, as parsing is quadratic in it. */
  private static BigInteger wei(JsonNode n, String name) {
    String decimal = text(n, name);
    if (decimal.isEmpty()
        || decimal.length() > 78
        || !decimal.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(name + ": expected a decimal uint256");
    }
    return new BigInteger(decimal);
  }
}
