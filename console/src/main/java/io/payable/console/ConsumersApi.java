package io.payable.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.attribution.sink.AttributionTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;

/**
 * The consumers page's data: what a consumer paid per epoch, from the attributed events (each
 * event's fee counted once, and the cumulative charge its vouchers covered), its ConsumerEscrow
 * account (balance, available, redeemed, a pending withdrawal) and the transactions of a deposit
 * for its wallet to send. Without a ConsumerEscrow in the deployment the answer says so rather than
 * showing a zero.
 */
final class ConsumersApi {

  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern WEI = Pattern.compile("[0-9]{1,78}");

  private final Warehouse warehouse;
  private final ChainReads chain;

  private final Optional<String> held;

  /**
   * @param held the consumer whose key the Console holds (it deposits and withdraws through the
   *     server), if any
   */
  ConsumersApi(Warehouse warehouse, ChainReads chain, Optional<String> held) {
    this.warehouse = warehouse;
    this.chain = chain;
    this.held = held;
  }

  /** GET /api/consumers/{consumer}. */
  Object consumer(Request request) throws Exception {
    String consumer = normalise(request.param(0));
    Map<Long, BigDecimal> spent = new TreeMap<>();
    Map<Long, BigDecimal> charged = new TreeMap<>();
    Map<Long, Set<String>> events = new TreeMap<>();
    for (Record r :
        warehouse.rows(AttributionTables.ATTRIBUTIONS, Expressions.equal("consumer", consumer))) {
      long epoch = (Long) r.getField("epoch");
      if (events
          .computeIfAbsent(epoch, k -> new HashSet<>())
          .add((String) r.getField("event_id"))) {
        spent.merge(epoch, (BigDecimal) r.getField("fee_wei"), BigDecimal::add);
        BigDecimal cumulative = (BigDecimal) r.getField("consumer_charged_wei");
        if (cumulative != null) {
          charged.merge(epoch, cumulative, BigDecimal::max);
        }
      }
    }
    ObjectNode out = Json.object();
    out.put("consumer", consumer);
    ArrayNode epochs = out.putArray("epochs");
    BigDecimal total = BigDecimal.ZERO;
    BigDecimal chargedSoFar = null;
    int count = 0;
    for (var e : spent.entrySet()) {
      int n = events.get(e.getKey()).size();
      ObjectNode row =
          epochs
              .addObject()
              .put("epoch", e.getKey())
              .put("events", n)
              .put("spent_wei", wei(e.getValue()));
      BigDecimal c = charged.get(e.getKey());
      if (c != null) {
        chargedSoFar = chargedSoFar == null ? c : chargedSoFar.max(c);
        row.put("charged_cumulative_wei", wei(c));
      } else {
        row.putNull("charged_cumulative_wei");
      }
      total = total.add(e.getValue());
      count += n;
    }
    out.put("spent_wei", wei(total));
    out.put("events", count);
    if (chargedSoFar == null) {
      out.putNull("charged_cumulative_wei");
    } else {
      out.put("charged_cumulative_wei", wei(chargedSoFar));
    }
    Optional<ChainReads.EscrowAccount> escrow =
        ADDRESS.matcher(consumer).matches() ? chain.escrow(consumer) : Optional.empty();
    out.put("escrow", escrow.isPresent());
    out.put("held", held.filter(consumer::equals).isPresent() && escrow.isPresent());
    if (escrow.isPresent()) {
      ChainReads.EscrowAccount a = escrow.get();
      out.put("escrow_address", a.escrow());
      out.put("balance_wei", a.balanceWei().toString());
      out.put("available_wei", a.availableWei().toString());
      out.put("redeemed_wei", a.redeemedWei().toString());
      out.put("withdrawal_wei", a.withdrawalWei().toString());
      out.put("withdrawable_at", a.withdrawableAt());
      out.put("wallet_wei", a.walletWei().toString());
      out.put(
          "escrow_note",
          "Balance, available and redeemed are read from ConsumerEscrow; workers serve against"
              + " what is available, and settlement redeems only what vouchers authorised.");
    } else {
      out.put(
          "escrow_note",
          ADDRESS.matcher(consumer).matches()
              ? "This deployment has no ConsumerEscrow, so only the spend recorded by attribution"
                  + " is shown."
              : "Only an address has an escrow account; this consumer id is shown with the spend"
                  + " recorded by attribution.");
    }
    return out;
  }

  /**
   * POST /api/consumers/{address}/deposit {amount_wei}: the transactions that deposit it, for the
   * consumer's wallet to send in order (an approval when the allowance is short, then the deposit).
   */
  Object deposit(Request request) throws Exception {
    String consumer = normalise(request.param(0));
    String amountText = Request.text(request.json(), "amount_wei");
    if (!WEI.matcher(amountText).matches()) {
      throw ApiException.badRequest("amount_wei must be a whole number of wei: " + amountText);
    }
    BigInteger amount = new BigInteger(amountText);
    if (amount.signum() == 0) {
      throw ApiException.badRequest("Deposit more than 0 OPEN.");
    }
    ChainReads.EscrowAccount a =
        chain
            .escrow(consumer)
            .orElseThrow(
                () ->
                    new ApiException(409, "This deployment has no ConsumerEscrow to deposit to."));
    if (a.walletWei().compareTo(amount) < 0) {
      throw ApiException.badRequest(
          "The wallet holds "
              + a.walletWei()
              + " wei of OPEN; it cannot deposit "
              + amount
              + " wei.");
    }
    ObjectNode out = Json.object();
    out.put("consumer", consumer);
    out.put("amount_wei", amount.toString());
    ArrayNode txs = out.putArray("transactions");
    if (a.allowanceWei().compareTo(amount) < 0) {
      txs.addObject()
          .put("label", "Approve the escrow to take " + amount + " wei of OPEN")
          .put("to", chain.deployment().openToken())
          .put("data", ChainReads.approveCalldata(a.escrow(), amount));
    }
    txs.addObject()
        .put("label", "Deposit " + amount + " wei of OPEN")
        .put("to", a.escrow())
        .put("data", ChainReads.depositCalldata(amount));
    return out;
  }

  private static String normalise(String consumer) {
    return ADDRESS.matcher(consumer).matches() ? consumer.toLowerCase(Locale.ROOT) : consumer;
  }

  private static String wei(BigDecimal v) {
    return v.toBigIntegerExact().toString();
  }
}
