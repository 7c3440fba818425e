package io.payable.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payable.settlement.SettlementTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;

/**
 * The payouts page's data: an account's earnings per settled epoch, and what it can claim now, what
 * is still pending activation and what it has claimed, with the claim transaction for the wallet to
 * send.
 */
final class PayoutsApi {

  private final Warehouse warehouse;
  private final ChainReads chain;

  PayoutsApi(Warehouse warehouse, ChainReads chain) {
    this.warehouse = warehouse;
    this.chain = chain;
  }

  /** GET /api/payouts/{account}. */
  Object account(Request request) throws Exception {
    String account = request.param(0).toLowerCase(Locale.ROOT);
    List<Record> rows =
        new ArrayList<>(
            warehouse.rows(SettlementTables.EPOCH_REWARDS, Expressions.equal("account", account)));
    rows.sort(Comparator.comparing((Record r) -> (Long) r.getField("epoch")));
    OptionalLong activeEpoch = chain.rewards().activeEpoch();
    OptionalLong activeIndex = chain.rewards().activeRootIndex();
    Optional<String> activeRoot = chain.rewards().activeRoot();
    BigInteger claimed = chain.rewards().claimed(account);

    ObjectNode out = Json.object();
    out.put("account", account);
    ArrayNode epochs = out.putArray("epochs");
    BigInteger latest = BigInteger.ZERO;
    BigInteger claimableTotal = BigInteger.ZERO;
    Record activeRow = null;
    for (Record r : rows) {
      long epoch = (Long) r.getField("epoch");
      BigInteger amount = wei(r, "epoch_amount_wei");
      BigInteger cumulative = wei(r, "cumulative_wei");
      ObjectNode e = epochs.addObject();
      e.put("epoch", epoch);
      e.put("amount_wei", amount.toString());
      e.put("cumulative_wei", cumulative.toString());
      e.put("root", (String) r.getField("root"));
      boolean active = activeEpoch.isPresent() && epoch <= activeEpoch.getAsLong();
      e.put("active", active);
      latest = cumulative;
      if (activeEpoch.isPresent() && epoch == activeEpoch.getAsLong()) {
        activeRow = r;
        claimableTotal = cumulative;
      }
    }
    BigInteger claimable = claimableTotal.subtract(claimed).max(BigInteger.ZERO);
    out.put("earned_wei", latest.toString());
    out.put("claimed_wei", claimed.toString());
    out.put("claimable_wei", claimable.toString());
    out.put("pending_wei", latest.subtract(claimableTotal).max(BigInteger.ZERO).toString());
    if (activeEpoch.isPresent()) {
      out.put("active_epoch", activeEpoch.getAsLong());
    } else {
      out.putNull("active_epoch");
    }
    out.put("distributor", chain.deployment().rewardDistributor());
    if (claimable.signum() > 0 && activeRow != null && activeIndex.isPresent()) {
      String root = (String) activeRow.getField("root");
      if (activeRoot.isEmpty() || !activeRoot.get().equalsIgnoreCase(root)) {
        out.put(
            "claim_error",
            "The proof in epoch_rewards does not match the active root on chain; run payable"
                + " settle verify");
      } else {
        @SuppressWarnings("unchecked")
        List<String> proof = (List<String>) activeRow.getField("proof");
        ObjectNode tx = out.putObject("claim_tx");
        tx.put("to", chain.deployment().rewardDistributor());
        tx.put(
            "data",
            ChainReads.claimCalldata(
                activeIndex.getAsLong(), account, claimableTotal, new ArrayList<>(proof)));
        tx.put("root_index", activeIndex.getAsLong());
        tx.put("cumulative_wei", claimableTotal.toString());
      }
    }
    return out;
  }

  private static BigInteger wei(Record r, String field) {
    return ((BigDecimal) r.getField(field)).toBigIntegerExact();
  }
}
