package io.payable.contracts.cli;

import io.payable.contracts.merkle.LeavesFile;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable merkle}: reward trees from JSON-lines leaves, as the settlement job builds them.
 */
@Command(
    name = "merkle",
    mixinStandardHelpOptions = true,
    description = "Cumulative reward Merkle trees (OpenZeppelin StandardMerkleTree encoding).",
    subcommands = {MerkleCommand.Root.class, MerkleCommand.Proof.class})
public final class MerkleCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code payable merkle root --distributor 0x.. --input leaves.jsonl}. */
  @Command(
      name = "root",
      mixinStandardHelpOptions = true,
      description = "Print the leaf count and total, then the 0x root on the last line.")
  static final class Root implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--input",
        required = true,
        description = "JSON lines: {\"account\":\"0x..\",\"cumulative\":\"123\"}")
    Path input;

    @Option(names = "--distributor", required = true, description = DISTRIBUTOR)
    String distributor;

    @Override
    public Integer call() throws Exception {
      List<RewardLeaf> leaves = LeavesFile.read(input);
      StandardMerkleTree tree = StandardMerkleTree.of(distributor, leaves);
      PrintWriter out = spec.commandLine().getOut();
      out.println("leaves: " + tree.size());
      out.println("total: " + total(leaves));
      out.println(tree.rootHex());
      out.flush();
      return 0;
    }
  }

  /** {@code payable merkle proof --distributor 0x.. --input leaves.jsonl --account 0x..}. */
  @Command(
      name = "proof",
      mixinStandardHelpOptions = true,
      description = "Print the account's claim as JSON: account, cumulative, proof, root.")
  static final class Proof implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--input", required = true, description = "JSON-lines leaves file")
    Path input;

    @Option(names = "--distributor", required = true, description = DISTRIBUTOR)
    String distributor;

    @Option(names = "--account", required = true, description = "0x address")
    String account;

    @Override
    public Integer call() throws Exception {
      List<RewardLeaf> leaves = LeavesFile.read(input);
      StandardMerkleTree tree = StandardMerkleTree.of(distributor, leaves);
      for (int i = 0; i < leaves.size(); i++) {
        if (leaves.get(i).account().equalsIgnoreCase(account)) {
          PrintWriter out = spec.commandLine().getOut();
          out.println(
              "{\"account\":\""
                  + leaves.get(i).account()
                  + "\",\"cumulative\":\""
                  + leaves.get(i).cumulative()
                  + "\",\"proof\":["
                  + String.join(",", tree.proofHex(i).stream().map(p -> "\"" + p + "\"").toList())
                  + "],\"root\":\""
                  + tree.rootHex()
                  + "\"}");
          out.flush();
          return 0;
        }
      }
      spec.commandLine().getErr().println("account not in " + input + ": " + account);
      return 1;
    }
  }

  static final String DISTRIBUTOR =
      "RewardDistributor address the leaves are bound to (part of every leaf hash)";

  static BigInteger total(List<RewardLeaf> leaves) {
    return leaves.stream().map(RewardLeaf::cumulative).reduce(BigInteger.ZERO, BigInteger::add);
  }
}
