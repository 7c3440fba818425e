package io.payable.cli.settle;

import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.generated.RewardDistributor;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable payouts 0xADDRESS}: what an account can claim now, has claimed, has pending in
 * posted roots that are not active yet, and what it earned in each epoch.
 */
@Command(
    name = "payouts",
    mixinStandardHelpOptions = true,
    description = "Show an account's claimable, claimed and pending rewards and its epoch history.")
public final class PayoutsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ADDRESS", description = "0x account address.")
  String address;

  @Mixin SettlementSource source;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!address.startsWith("0x") || !WalletUtils.isValidAddress(address)) {
      spec.commandLine().getErr().println("Not an address: " + address);
      return 2;
    }
    String account = address.toLowerCase(Locale.ROOT);
    Web3j web3j = source.web3j();
    try {
      RewardsClient chain = source.reader(web3j);
      OptionalLong active = chain.activeEpoch();
      OptionalLong posted = chain.lastPostedEpoch();
      BigInteger claimed = chain.claimed(account);
      List<SettlementSource.Leaf> rows = source.accountRows(account);
      BigInteger activeCumulative = cumulativeAt(rows, active);
      BigInteger postedCumulative = cumulativeAt(rows, posted);
      BigInteger settled =
          rows.isEmpty() ? BigInteger.ZERO : rows.get(rows.size() - 1).cumulative();
      BigInteger claimable = activeCumulative.subtract(claimed).max(BigInteger.ZERO);
      BigInteger pending = postedCumulative.subtract(activeCumulative).max(BigInteger.ZERO);
      BigInteger unposted = settled.subtract(postedCumulative).max(BigInteger.ZERO);

      out.println("Account " + account);
      out.println(
          "Active root:       "
              + (active.isPresent()
                  ? "epoch " + active.getAsLong()
                  : "none (nothing claimable yet)"));
      out.println("Latest root:       " + describeLatest(chain, posted));
      out.printf("Claimable now:     %s wei%n", claimable);
      out.printf("Claimed:           %s wei%n", claimed);
      out.printf("Pending:           %s wei (posted, not active yet)%n", pending);
      out.printf("Not yet posted:    %s wei (settled, root not on chain yet)%n", unposted);
      out.printf("Earned in total:   %s wei%n", settled);
      out.println();
      out.println("epoch        earned_wei                cumulative_wei            root");
      for (SettlementSource.Leaf row : rows) {
        if (row.epochAmount().signum() == 0) {
          continue;
        }
        String state =
            active.isPresent() && row.epoch() <= active.getAsLong()
                ? "active"
                : posted.isPresent() && row.epoch() <= posted.getAsLong()
                    ? "pending"
                    : "not posted";
        out.printf(
            "%-12d %-25s %-25s %s%n", row.epoch(), row.epochAmount(), row.cumulative(), state);
      }
      out.flush();
      return 0;
    } finally {
      web3j.shutdown();
    }
  }

  private static BigInteger cumulativeAt(List<SettlementSource.Leaf> rows, OptionalLong epoch) {
    BigInteger value = BigInteger.ZERO;
    if (epoch.isEmpty()) {
      return value;
    }
    for (SettlementSource.Leaf row : rows) {
      if (row.epoch() <= epoch.getAsLong()) {
        value = row.cumulative();
      }
    }
    return value;
  }

  private static String describeLatest(RewardsClient chain, OptionalLong posted) throws Exception {
    if (posted.isEmpty()) {
      return "none posted";
    }
    List<RewardDistributor.Distribution> all = chain.distributions();
    for (int i = all.size() - 1; i >= 0; i--) {
      RewardDistributor.Distribution d = all.get(i);
      if (!d.disabled && d.epoch.longValueExact() == posted.getAsLong()) {
        return "epoch "
            + posted.getAsLong()
            + ", active from "
            + Instant.ofEpochSecond(d.activatesAt.longValueExact());
      }
    }
    return "epoch " + posted.getAsLong();
  }
}
