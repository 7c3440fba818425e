package io.payable.up.demo;

import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.settlement.SettlementTables;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.web3j.utils.Numeric;

/**
 * The end of a cycle: every contributor's payouts (claimable under the active root, claimed, and
 * earned in total), then a claim on chain by the contributor owed the most, with the proof the
 * settlement job wrote to {@code epoch_rewards}.
 */
final class DemoPayouts {

  /** One contributor's claim as made. */
  record Claim(String account, BigInteger paid, BigInteger cumulative, long epoch) {}

  private final DemoChain chain;
  private final Catalog catalog;
  private final PrintWriter out;

  DemoPayouts(DemoChain chain, Catalog catalog, PrintWriter out) {
    this.chain = chain;
    this.catalog = catalog;
    this.out = out;
  }

  /** Prints the contributors' payouts and claims for the richest; null when none is owed. */
  Claim showAndClaim(List<Integer> contributors) throws Exception {
    RewardsClient rewards = new RewardsClient(chain.distributor(DemoChain.DEPLOYER));
    OptionalLong active = rewards.activeEpoch();
    OptionalLong activeIndex = rewards.activeRootIndex();
    out.println(
        "Payouts (active root: "
            + (active.isPresent() ? "epoch " + active.getAsLong() : "none yet")
            + "):");
    out.println("  contributor                                  claimable_wei        claimed_wei");
    Record best = null;
    BigInteger most = BigInteger.ZERO;
    for (int c : contributors) {
      String account = chain.address(c);
      Record row = active.isPresent() ? row(account, active.getAsLong()) : null;
      BigInteger cumulative = row == null ? BigInteger.ZERO : cumulative(row);
      BigInteger claimed = rewards.claimed(account);
      BigInteger claimable = cumulative.subtract(claimed).max(BigInteger.ZERO);
      out.printf(Locale.ROOT, "  %s   %-20s %s%n", account, claimable, claimed);
      if (claimable.compareTo(most) > 0) {
        most = claimable;
        best = row;
      }
    }
    out.flush();
    if (best == null) {
      out.println("No contributor has a claimable amount yet: run longer (--duration).");
      out.flush();
      return null;
    }
    String account = (String) best.getField("account");
    @SuppressWarnings("unchecked")
    List<byte[]> proof =
        new ArrayList<>((List<String>) best.getField("proof"))
            .stream().map(Numeric::hexStringToByteArray).toList();
    int who = contributorIndex(contributors, account);
    RewardDistributor distributor = chain.distributor(who);
    var receipt =
        distributor
            .claim(BigInteger.valueOf(activeIndex.getAsLong()), account, cumulative(best), proof)
            .send();
    BigInteger paid =
        RewardDistributor.getClaimedEvents(receipt).stream()
            .map(e -> e.amount)
            .reduce(BigInteger.ZERO, BigInteger::add);
    out.printf(
        Locale.ROOT,
        "Claimed %s wei of OPEN for %s (cumulative %s wei, epoch %d) in tx %s.%n",
        paid,
        account,
        cumulative(best),
        active.getAsLong(),
        receipt.getTransactionHash());
    out.flush();
    return new Claim(account, paid, cumulative(best), active.getAsLong());
  }

  private int contributorIndex(List<Integer> contributors, String account) {
    for (int c : contributors) {
      if (chain.address(c).equalsIgnoreCase(account)) {
        return c;
      }
    }
    throw new IllegalArgumentException("not a demo contributor: " + account);
  }

  private static BigInteger cumulative(Record r) {
    return ((BigDecimal) r.getField("cumulative_wei")).toBigIntegerExact();
  }

  private Record row(String account, long epoch) throws Exception {
    if (!catalog.tableExists(SettlementTables.EPOCH_REWARDS)) {
      return null;
    }
    var table = catalog.loadTable(SettlementTables.EPOCH_REWARDS);
    table.refresh();
    try (CloseableIterable<Record> it =
        IcebergGenerics.read(table)
            .where(
                Expressions.and(
                    Expressions.equal("account", account), Expressions.equal("epoch", epoch)))
            .build()) {
      for (Record r : it) {
        return r.copy();
      }
    }
    return null;
  }
}
