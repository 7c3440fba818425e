package io.payable.cli.settle;

import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import io.payable.settlement.EpochManifest;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.web3j.protocol.Web3j;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable settle verify [--epoch N]}: recomputes an epoch's root, total and manifest hash
 * from its {@code epoch_rewards} rows, checks every stored proof, and compares them with the root
 * posted on chain. Without {@code --epoch}, every posted (not revoked) epoch. Exit status 0 when
 * everything agrees, 1 otherwise.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Recompute epoch roots from epoch_rewards and compare them with the chain.")
public final class SettleVerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--epoch", description = "The epoch to check (default: every posted epoch).")
  Long epoch;

  @Mixin SettlementSource source;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Web3j web3j = source.web3j();
    try {
      RewardsClient chain = source.reader(web3j);
      List<RewardDistributor.Distribution> posted =
          chain.distributions().stream().filter(d -> !d.disabled).toList();
      List<Long> epochs = new ArrayList<>();
      if (epoch != null) {
        epochs.add(epoch);
      } else {
        posted.forEach(d -> epochs.add(d.epoch.longValueExact()));
      }
      if (epochs.isEmpty()) {
        out.println("No root posted yet");
        out.flush();
        return 0;
      }
      boolean ok = true;
      for (long e : epochs) {
        ok &= verify(e, posted, out);
      }
      out.flush();
      return ok ? 0 : 1;
    } finally {
      web3j.shutdown();
    }
  }

  private boolean verify(long e, List<RewardDistributor.Distribution> posted, PrintWriter out)
      throws Exception {
    List<SettlementSource.Leaf> rows = source.epochRows(e);
    RewardDistributor.Distribution onChain =
        posted.stream().filter(d -> d.epoch.longValueExact() == e).reduce((a, b) -> b).orElse(null);
    if (rows.isEmpty()) {
      out.printf("epoch %d: MISMATCH no rows in epoch_rewards%n", e);
      return false;
    }
    List<RewardLeaf> leaves =
        rows.stream().map(r -> new RewardLeaf(r.account(), r.cumulative())).toList();
    String distributor = source.deployment().rewardDistributor();
    StandardMerkleTree tree = StandardMerkleTree.of(distributor, leaves);
    BigInteger total =
        leaves.stream().map(RewardLeaf::cumulative).reduce(BigInteger.ZERO, BigInteger::add);
    String manifest = EpochManifest.hash(e, leaves);
    List<String> problems = new ArrayList<>();
    for (SettlementSource.Leaf row : rows) {
      RewardLeaf leaf = new RewardLeaf(row.account(), row.cumulative());
      if (!row.root().equalsIgnoreCase(tree.rootHex())
          || !Numeric.toHexString(StandardMerkleTree.leafHash(distributor, leaf))
              .equalsIgnoreCase(row.leafHash())
          || !StandardMerkleTree.verify(
              tree.root(),
              distributor,
              leaf,
              row.proof().stream().map(Numeric::hexStringToByteArray).toList())) {
        problems.add("row of " + row.account() + " has a wrong root, leaf hash or proof");
      }
    }
    if (onChain == null) {
      problems.add("no root posted on chain for this epoch");
    } else {
      if (!Numeric.toHexString(onChain.root).equalsIgnoreCase(tree.rootHex())) {
        problems.add("chain root " + Numeric.toHexString(onChain.root));
      }
      if (!onChain.totalCumulative.equals(total)) {
        problems.add("chain total " + onChain.totalCumulative + " wei");
      }
      if (!Numeric.toHexString(onChain.manifestHash).equalsIgnoreCase(manifest)) {
        problems.add("chain manifest hash " + Numeric.toHexString(onChain.manifestHash));
      }
    }
    if (problems.isEmpty()) {
      out.printf(
          "epoch %d: OK root %s, %d accounts, total %s wei, manifest %s%n",
          e, tree.rootHex(), leaves.size(), total, manifest);
      return true;
    }
    out.printf(
        "epoch %d: MISMATCH recomputed root %s, total %s wei: %s%n",
        e, tree.rootHex(), total, String.join("; ", problems));
    return false;
  }
}
