package io.payable.cli.settle;

import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.chain.KeySource;
import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code payable claim 0xADDRESS --key-env VAR}: claims everything the account is owed under the
 * newest active root, named by its index, with the proof from {@code epoch_rewards}. Anyone may
 * submit a claim (the key pays the gas); the OPEN always goes to the account.
 */
@Command(
    name = "claim",
    mixinStandardHelpOptions = true,
    description = "Claim an account's rewards under the active root (proof from epoch_rewards).")
public final class ClaimCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ADDRESS", description = "0x account to pay.")
  String address;

  @Mixin SettlementSource source;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Key key;

  static final class Key {
    @Option(
        names = "--key-env",
        description = "Environment variable holding the submitter's hex private key.")
    String env;

    @Option(names = "--key-file", description = "File holding the submitter's hex private key.")
    Path file;

    Credentials credentials() {
      return KeySource.load(env != null ? "env:" + env : "file:" + file);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!address.startsWith("0x") || !WalletUtils.isValidAddress(address)) {
      err.println("Not an address: " + address);
      return 2;
    }
    String account = address.toLowerCase(Locale.ROOT);
    Web3j web3j = source.web3j();
    try {
      RewardsClient reader = source.reader(web3j);
      OptionalLong activeIndex = reader.activeRootIndex();
      OptionalLong active = reader.activeEpoch();
      if (activeIndex.isEmpty() || active.isEmpty()) {
        err.println("No active root yet: nothing can be claimed");
        return 1;
      }
      SettlementSource.Leaf row =
          source.epochRows(active.getAsLong()).stream()
              .filter(r -> r.account().equals(account))
              .findFirst()
              .orElse(null);
      if (row == null) {
        err.println(
            "No reward for " + account + " in the active root (epoch " + active.getAsLong() + ")");
        return 1;
      }
      List<byte[]> proof = row.proof().stream().map(Numeric::hexStringToByteArray).toList();
      byte[] root = Numeric.hexStringToByteArray(reader.activeRoot().orElseThrow());
      String distributorAddress = source.deployment().rewardDistributor();
      if (!StandardMerkleTree.verify(
          root, distributorAddress, new RewardLeaf(account, row.cumulative()), proof)) {
        err.println(
            "The proof in epoch_rewards does not match the active root; run payable settle verify");
        return 1;
      }
      BigInteger claimed = reader.claimed(account);
      if (claimed.compareTo(row.cumulative()) >= 0) {
        out.printf(
            "Nothing to claim: %s has been paid %s wei of %s wei (epoch %d)%n",
            account, claimed, row.cumulative(), row.epoch());
        out.flush();
        return 0;
      }
      ChainClient chain = ChainClient.connect(web3j);
      RewardDistributor distributor =
          RewardDistributor.load(
              distributorAddress,
              web3j,
              chain.transactionManager(key.credentials()),
              chain.gasProvider());
      TransactionReceipt receipt =
          distributor
              .claim(BigInteger.valueOf(activeIndex.getAsLong()), account, row.cumulative(), proof)
              .send();
      BigInteger paid =
          RewardDistributor.getClaimedEvents(receipt).stream()
              .map(e -> e.amount)
              .reduce(BigInteger.ZERO, BigInteger::add);
      out.printf(
          "Claimed %s wei for %s (cumulative %s wei, epoch %d) in tx %s, gas %s%n",
          paid,
          account,
          row.cumulative(),
          row.epoch(),
          receipt.getTransactionHash(),
          receipt.getGasUsed());
      out.flush();
      return 0;
    } finally {
      web3j.shutdown();
    }
  }
}
