package io.payable.contracts.bench;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Measures on a fresh anvil chain: postRoot gas for trees of 10, 1,000 and 100,000 accounts, claim
 * gas against each tree (first claim of a fresh account, and a repeat claim of an account already
 * paid), and paying accounts by plain ERC-20 transfers instead. Writes a Markdown table to the file
 * named by the first argument (default {@code contracts/target/gas-report.md}, relative to the
 * repository root).
 *
 * <p>Run: {@code ./mvnw -B -q -pl contracts test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.payable.contracts.bench.GasReport}
 */
public final class GasReport {

  private static final Logger LOG = LoggerFactory.getLogger(GasReport.class);

  private static final BigInteger OPEN = BigInteger.TEN.pow(18);
  private static final int[] SIZES = {10, 1_000, 100_000};
  private static final int CLAIMS_PER_TREE = 5;
  private static final int TRANSFERS = 100;

  private GasReport() {}

  public static void main(String[] args) throws Exception {
    GasBench.writeReport(args, "contracts/target/gas-report.md", GasReport::run);
  }

  static String run(AnvilChain chain) throws Exception {
    Web3j web3j = chain.newClient();
    try {
      ChainClient client = new ChainClient(web3j, chain.chainId());
      DefaultGasProvider gas = new DefaultGasProvider();
      Deployment d = GasBench.deploy(chain, client);
      OpenToken token =
          OpenToken.load(
              d.openToken(), web3j, client.transactionManager(chain.account(0).credentials()), gas);
      RewardDistributor funder =
          RewardDistributor.load(
              d.rewardDistributor(),
              web3j,
              client.transactionManager(chain.account(0).credentials()),
              gas);
      RewardDistributor settler =
          RewardDistributor.load(
              d.rewardDistributor(),
              web3j,
              client.transactionManager(chain.account(1).credentials()),
              gas);
      RewardDistributor claimer =
          RewardDistributor.load(
              d.rewardDistributor(),
              web3j,
              client.transactionManager(chain.account(2).credentials()),
              gas);
      BigInteger pool = OPEN.multiply(BigInteger.valueOf(100_000_000));
      token.approve(d.rewardDistributor(), pool).send();
      funder.fund(pool).send();

      StringBuilder md = new StringBuilder();
      md.append("| accounts in tree | proof length | postRoot gas | first claim gas (avg of ")
          .append(CLAIMS_PER_TREE)
          .append(") | repeat claim gas (avg of ")
          .append(CLAIMS_PER_TREE)
          .append(") |\n|---:|---:|---:|---:|---:|\n");

      Random random = new Random(20261121L);
      // A one-leaf warm-up root, so every measured post finds the root array already in use.
      long epoch = 1;
      postRoot(
          settler,
          epoch++,
          StandardMerkleTree.of(
              d.rewardDistributor(),
              List.of(new RewardLeaf(randomAddress(random), BigInteger.ONE))));
      List<RewardLeaf> previouslyClaimed = new ArrayList<>();
      List<Long> postGas = new ArrayList<>();
      for (int size : SIZES) {
        List<RewardLeaf> leaves = new ArrayList<>(size);
        // Accounts paid against the previous tree are owed more now: their claims are repeats.
        for (RewardLeaf paid : previouslyClaimed) {
          leaves.add(new RewardLeaf(paid.account(), paid.cumulative().add(OPEN)));
        }
        while (leaves.size() < size) {
          leaves.add(
              new RewardLeaf(
                  randomAddress(random), OPEN.add(BigInteger.valueOf(random.nextInt(1_000_000)))));
        }
        long t0 = System.nanoTime();
        StandardMerkleTree tree = StandardMerkleTree.of(d.rewardDistributor(), leaves);
        long buildMillis = (System.nanoTime() - t0) / 1_000_000;
        long posted = postRoot(settler, epoch++, tree);
        postGas.add(posted);
        chain.advance(DeployConfig.localDefaults().activationDelaySeconds());

        long repeat = 0;
        int repeats = previouslyClaimed.size();
        for (int i = 0; i < repeats; i++) {
          repeat += claim(claimer, epoch - 2, tree, i);
        }
        long first = 0;
        previouslyClaimed = new ArrayList<>();
        for (int i = repeats; i < repeats + CLAIMS_PER_TREE; i++) {
          first += claim(claimer, epoch - 2, tree, i);
          previouslyClaimed.add(tree.leaf(i));
        }
        md.append("| ")
            .append(String.format("%,d", size))
            .append(" | ")
            .append(tree.proof(repeats).size())
            .append(" | ")
            .append(String.format("%,d", posted))
            .append(" | ")
            .append(String.format("%,d", first / CLAIMS_PER_TREE))
            .append(" | ")
            .append(repeats == 0 ? "-" : String.format("%,d", repeat / repeats))
            .append(" |\n");
        LOG.info(
            "{} accounts: tree built in {} ms, postRoot {} gas, first claim {} gas",
            size,
            buildMillis,
            posted,
            first / CLAIMS_PER_TREE);
      }

      // The alternative: the protocol pays every account with its own ERC-20 transfer.
      long transfers = 0;
      for (int i = 0; i < TRANSFERS; i++) {
        TransactionReceipt r = token.transfer(randomAddress(random), OPEN).send();
        transfers += r.getGasUsed().longValueExact();
      }
      long perTransfer = transfers / TRANSFERS;
      md.append("\nPaying the same accounts by ERC-20 transfers (OPEN, fresh recipients; ")
          .append(TRANSFERS)
          .append(" transfers measured, one transaction each, ")
          .append(String.format("%,d", perTransfer))
          .append(" gas per transfer, then multiplied by N):\n\n")
          .append("| accounts | postRoot (measured) | ERC-20 transfers, N x measured |\n")
          .append("|---:|---:|---:|\n");
      for (int i = 0; i < SIZES.length; i++) {
        md.append("| ")
            .append(String.format("%,d", SIZES[i]))
            .append(" | ")
            .append(String.format("%,d", postGas.get(i)))
            .append(" | ")
            .append(String.format("%,d", perTransfer * (long) SIZES[i]))
            .append(" |\n");
      }
      return md.toString();
    } finally {
      web3j.shutdown();
    }
  }

  private static long postRoot(RewardDistributor settler, long epoch, StandardMerkleTree tree)
      throws Exception {
    BigInteger total =
        tree.leaves().stream().map(RewardLeaf::cumulative).reduce(BigInteger.ZERO, BigInteger::add);
    TransactionReceipt r =
        settler.postRoot(BigInteger.valueOf(epoch), tree.root(), total, new byte[32]).send();
    return r.getGasUsed().longValueExact();
  }

  private static long claim(
      RewardDistributor claimer, long rootIndex, StandardMerkleTree tree, int index)
      throws Exception {
    RewardLeaf leaf = tree.leaf(index);
    TransactionReceipt r =
        claimer
            .claim(
                BigInteger.valueOf(rootIndex), leaf.account(), leaf.cumulative(), tree.proof(index))
            .send();
    if (claimer.getClaimedEvents(r).isEmpty()) {
      throw new IllegalStateException("claim of leaf " + index + " paid nothing");
    }
    return r.getGasUsed().longValueExact();
  }

  private static String randomAddress(Random random) {
    byte[] bytes = new byte[20];
    random.nextBytes(bytes);
    return Numeric.toHexString(bytes);
  }
}
