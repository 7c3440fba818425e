package io.payable.contracts.bench;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployer;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.fixtures.MinimalDistributor;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import io.payable.contracts.testing.BulkSender;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
 * RewardDistributor against the least a cumulative distributor can do ({@code MinimalDistributor},
 * a test fixture), side by side on one anvil chain, both paying OPEN to the same leaves (8,192
 * accounts, so every proof has 13 levels in both contracts' trees): first and repeat claims with no
 * pending root, one pending root, 1,000 pending roots and 1,000 revoked roots; postRoot and
 * revokeRoot with 1 and 1,000 roots. Writes a Markdown table to the file named by the first
 * argument (default {@code contracts/target/distributor-gas.md}).
 *
 * <p>Run: {@code ./mvnw -B -q -pl contracts test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.payable.contracts.bench.DistributorGasComparison}
 */
public final class DistributorGasComparison {

  private static final Logger LOG = LoggerFactory.getLogger(DistributorGasComparison.class);
  private static final BigInteger OPEN = BigInteger.TEN.pow(18);
  // A power of two: every leaf sits at the same depth, whatever its hash (and so its position).
  private static final int ACCOUNTS = 8_192;
  private static final int CLAIMS = 5;
  private static final int FLOOD = 1_000;

  private final AnvilChain chain;
  private final Web3j web3j;
  private final RewardDistributor settler;
  private final RewardDistributor guardian;
  private final RewardDistributor claimer;
  private final MinimalDistributor minimal;
  private final MinimalDistributor minimalClaimer;
  private final long delay;
  private long epoch = 1;

  private DistributorGasComparison(AnvilChain chain, Web3j web3j) throws Exception {
    this.chain = chain;
    this.web3j = web3j;
    ChainClient client = new ChainClient(web3j, chain.chainId());
    DefaultGasProvider gas = new DefaultGasProvider();
    DeployConfig config =
        DeployConfig.localDefaults()
            .withRoles(
                chain.account(0).address(),
                chain.account(1).address(),
                chain.account(2).address(),
                chain.account(3).address());
    delay = config.activationDelaySeconds();
    Deployment d = new Deployer(client, chain.account(0).credentials()).deploy(config);
    var owner = client.transactionManager(chain.account(0).credentials());
    OpenToken token = OpenToken.load(d.openToken(), web3j, owner, gas);
    RewardDistributor funder = RewardDistributor.load(d.rewardDistributor(), web3j, owner, gas);
    settler =
        RewardDistributor.load(
            d.rewardDistributor(),
            web3j,
            client.transactionManager(chain.account(1).credentials()),
            gas);
    guardian =
        RewardDistributor.load(
            d.rewardDistributor(),
            web3j,
            client.transactionManager(chain.account(2).credentials()),
            gas);
    var claimTx = client.transactionManager(chain.account(4).credentials());
    claimer = RewardDistributor.load(d.rewardDistributor(), web3j, claimTx, gas);
    minimal = MinimalDistributor.deploy(web3j, owner, gas, d.openToken()).send();
    minimalClaimer = MinimalDistributor.load(minimal.getContractAddress(), web3j, claimTx, gas);
    BigInteger pool = OPEN.multiply(BigInteger.valueOf(100_000_000));
    token.approve(d.rewardDistributor(), pool).send();
    funder.fund(pool).send();
    token.transfer(minimal.getContractAddress(), pool).send();
  }

  public static void main(String[] args) throws Exception {
    Path out = Paths.get(args.length > 0 ? args[0] : "contracts/target/distributor-gas.md");
    try (AnvilChain chain = AnvilChain.start()) {
      Web3j web3j = chain.newClient();
      try {
        String table = new DistributorGasComparison(chain, web3j).run();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table);
        LOG.info("distributor gas comparison written to {}", out.toAbsolutePath());
      } finally {
        web3j.shutdown();
      }
    }
  }

  private String run() throws Exception {
    Random random = new Random(20261129L);
    List<RewardLeaf> first = new ArrayList<>();
    List<RewardLeaf> second = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      String account = Numeric.toHexString(bytes(random, 20));
      BigInteger amount = OPEN.add(BigInteger.valueOf(random.nextInt(1_000_000)));
      first.add(new RewardLeaf(account, amount));
      second.add(new RewardLeaf(account, amount.add(OPEN)));
    }
    // Leaves name their distributor, so each contract gets its own tree of the same leaves.
    String ours = settler.getContractAddress();
    String theirs = minimal.getContractAddress();
    StandardMerkleTree tree1 = StandardMerkleTree.of(ours, first);
    StandardMerkleTree tree2 = StandardMerkleTree.of(ours, second);
    StandardMerkleTree minimal1 = StandardMerkleTree.of(theirs, first);
    StandardMerkleTree minimal2 = StandardMerkleTree.of(theirs, second);
    int proof = tree1.proof(0).size();
    for (int i = 0; i < CLAIMS; i++) {
      if (minimal1.proof(i).size() != proof || tree2.proof(i).size() != proof) {
        throw new IllegalStateException("every measured proof must have the same length");
      }
    }

    // Root 0 of ours is active, the minimal one holds its tree of the same leaves.
    long post1 = post(tree1);
    chain.advance(delay);
    minimal.setRoot(minimal1.root()).send();

    StringBuilder md = new StringBuilder();
    md.append("| state | RewardDistributor first claim | minimal first claim | ratio |")
        .append(" RewardDistributor repeat claim | minimal repeat claim | ratio |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|\n");
    long[] minimalGas = minimalClaims(minimal1, minimal2);
    long[] postGas = new long[2];
    long[] revokeGas = new long[2];
    for (String state :
        List.of(
            "no pending root", "1 pending root", "1,000 pending roots", "1,000 revoked roots")) {
      String snapshot = chain.snapshot();
      int pending =
          switch (state) {
            case "1 pending root" -> 1;
            case "no pending root" -> 0;
            default -> FLOOD;
          };
      long[] gas = ourClaims(tree1, tree2, pending, state.contains("revoked"), postGas, revokeGas);
      chain.revertTo(snapshot);
      md.append("| ")
          .append(state)
          .append(" | ")
          .append(String.format("%,d", gas[0]))
          .append(" | ")
          .append(String.format("%,d", minimalGas[0]))
          .append(" | ")
          .append(String.format("%.3f", gas[0] / (double) minimalGas[0]))
          .append(" | ")
          .append(String.format("%,d", gas[1]))
          .append(" | ")
          .append(String.format("%,d", minimalGas[1]))
          .append(" | ")
          .append(String.format("%.3f", gas[1] / (double) minimalGas[1]))
          .append(" |\n");
    }
    md.append("\nProof length ")
        .append(proof)
        .append(" (")
        .append(String.format("%,d", ACCOUNTS))
        .append(" accounts); claims averaged over ")
        .append(CLAIMS)
        .append(
            " accounts; the same accounts and amounts for both contracts, each in a tree bound to its\n"
                + "own address (same depth).\n\n")
        .append("| step | with 1 root | with 1,000 roots |\n|---|---:|---:|\n")
        .append(String.format("| postRoot (first root) | %,d | - |%n", post1))
        .append(
            String.format(
                "| postRoot (after N pending roots) | %,d | %,d |%n", postGas[0], postGas[1]))
        .append(
            String.format(
                "| revokeRoot (oldest pending; removes it and every later one) | %,d | %,d |%n",
                revokeGas[0], revokeGas[1]));
    return md.toString();
  }

  /** First and repeat claim gas of the minimal distributor (averages). */
  private long[] minimalClaims(StandardMerkleTree tree1, StandardMerkleTree tree2)
      throws Exception {
    String snapshot = chain.snapshot();
    long firstGas = 0;
    for (int i = 0; i < CLAIMS; i++) {
      firstGas +=
          gas(
              minimalClaimer
                  .claim(tree1.leaf(i).account(), tree1.leaf(i).cumulative(), tree1.proof(i))
                  .send());
    }
    minimal.setRoot(tree2.root()).send();
    long repeatGas = 0;
    for (int i = 0; i < CLAIMS; i++) {
      repeatGas +=
          gas(
              minimalClaimer
                  .claim(tree2.leaf(i).account(), tree2.leaf(i).cumulative(), tree2.proof(i))
                  .send());
    }
    chain.revertTo(snapshot);
    return new long[] {firstGas / CLAIMS, repeatGas / CLAIMS};
  }

  /**
   * First claims against root 0, and repeat claims (accounts paid under root 0) against root 1 with
   * the larger amounts, each with {@code pending} roots posted after the claimed root (and revoked
   * before claiming when {@code revoke}).
   */
  private long[] ourClaims(
      StandardMerkleTree tree1,
      StandardMerkleTree tree2,
      int pending,
      boolean revoke,
      long[] postGas,
      long[] revokeGas)
      throws Exception {
    String snapshot = chain.snapshot();
    addPending(tree1, pending, revoke, postGas, revokeGas);
    long firstGas = 0;
    for (int i = 0; i < CLAIMS; i++) {
      firstGas += gas(claim(0, tree1, i));
    }
    chain.revertTo(snapshot);
    snapshot = chain.snapshot();
    for (int i = 0; i < CLAIMS; i++) {
      claim(0, tree1, i);
    }
    post(tree2);
    chain.advance(delay);
    addPending(tree2, pending, revoke, new long[2], new long[2]);
    long repeatGas = 0;
    for (int i = 0; i < CLAIMS; i++) {
      repeatGas += gas(claim(1, tree2, i));
    }
    chain.revertTo(snapshot);
    return new long[] {firstGas / CLAIMS, repeatGas / CLAIMS};
  }

  private void addPending(
      StandardMerkleTree base, int pending, boolean revoke, long[] postGas, long[] revokeGas)
      throws Exception {
    if (pending == 0) {
      return;
    }
    long firstPendingIndex = settler.distributionCount().send().longValueExact();
    List<String> calls = new ArrayList<>();
    BigInteger total = total(base);
    for (int i = 0; i < pending - 1; i++) {
      calls.add(
          settler
              .postRoot(BigInteger.valueOf(epoch++), base.root(), total, new byte[32])
              .encodeFunctionCall());
    }
    if (!calls.isEmpty()) {
      BulkSender.send(
          web3j,
          chain.chainId(),
          chain.account(1).credentials(),
          settler.getContractAddress(),
          calls);
    }
    long posted = post(base);
    postGas[pending == 1 ? 0 : 1] = posted;
    if (revoke) {
      revokeGas[1] = gas(guardian.revokeRoot(BigInteger.valueOf(firstPendingIndex)).send());
    } else if (pending == 1) {
      String snapshot = chain.snapshot();
      revokeGas[0] = gas(guardian.revokeRoot(BigInteger.valueOf(firstPendingIndex)).send());
      chain.revertTo(snapshot);
    }
  }

  private long post(StandardMerkleTree tree) throws Exception {
    return gas(
        settler
            .postRoot(BigInteger.valueOf(epoch++), tree.root(), total(tree), new byte[32])
            .send());
  }

  private TransactionReceipt claim(long rootIndex, StandardMerkleTree tree, int i)
      throws Exception {
    RewardLeaf leaf = tree.leaf(i);
    TransactionReceipt r =
        claimer
            .claim(BigInteger.valueOf(rootIndex), leaf.account(), leaf.cumulative(), tree.proof(i))
            .send();
    if (claimer.getClaimedEvents(r).isEmpty()) {
      throw new IllegalStateException("claim of leaf " + i + " paid nothing");
    }
    return r;
  }

  private static BigInteger total(StandardMerkleTree tree) {
    return tree.leaves().stream()
        .map(RewardLeaf::cumulative)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  private static long gas(TransactionReceipt r) {
    if (!r.isStatusOK()) {
      throw new IllegalStateException("transaction " + r.getTransactionHash() + " reverted");
    }
    return r.getGasUsed().longValueExact();
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
