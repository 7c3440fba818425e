package io.payable.jobs.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.payable.attribution.reward.AttributedReward;
import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.testing.PayableFixture;
import io.payable.embedded.iceberg.LocalIcebergWarehouse;
import io.payable.jobs.common.IcebergOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.web3j.protocol.Web3j;
import org.web3j.utils.Numeric;

/** A deployed contract set with its files on disk, and the job configuration pointing at it. */
final class SettlementChain {

  final PayableFixture fx;
  final Path deploymentFile;
  final Path settlerKey;
  final Path submitterKey;

  private SettlementChain(PayableFixture fx, Path dir) throws Exception {
    this.fx = fx;
    this.deploymentFile = dir.resolve("deployment.json");
    fx.deployment().write(deploymentFile);
    this.settlerKey = dir.resolve("settler.key");
    Files.writeString(settlerKey, fx.account(PayableFixture.SETTLER).privateKey());
    this.submitterKey = dir.resolve("submitter.key");
    Files.writeString(submitterKey, fx.account(7).privateKey());
  }

  static SettlementChain deploy(AnvilChain chain, Web3j web3j, Path dir) throws Exception {
    return new SettlementChain(
        PayableFixture.deploy(chain, web3j, DeployConfig.localDefaults()), dir);
  }

  static SettlementChain deploy(AnvilExtension anvil, Path dir) throws Exception {
    return new SettlementChain(
        PayableFixture.deploy(anvil.chain(), anvil.web3j(), DeployConfig.localDefaults()), dir);
  }

  void fund(BigInteger amount) throws Exception {
    fx.token(PayableFixture.DEPLOYER).approve(fx.deployment().rewardDistributor(), amount).send();
    fx.distributor(PayableFixture.DEPLOYER).fund(amount).send();
  }

  Configuration jobConfig(
      String bootstrap, String topic, LocalIcebergWarehouse warehouse, boolean bounded) {
    Configuration config = new Configuration();
    config.set(SettlementOptions.BOOTSTRAP_SERVERS, bootstrap);
    config.set(SettlementOptions.REWARDS_TOPIC, topic);
    config.set(SettlementOptions.GROUP_ID, "settlement-" + topic);
    config.set(SettlementOptions.STOP_AT_LATEST, bounded);
    config.set(SettlementOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
    config.set(SettlementOptions.ALLOWED_LATENESS, Duration.ZERO);
    config.set(SettlementOptions.MAX_OUT_OF_ORDERNESS, Duration.ZERO);
    config.set(SettlementOptions.SOURCE_IDLE_TIMEOUT, Duration.ofSeconds(1));
    config.set(SettlementOptions.FUNDING_POLL_INTERVAL, Duration.ofMillis(200));
    config.set(SettlementOptions.POST_RETRY_PAUSE, Duration.ofMillis(200));
    config.set(SettlementOptions.CHAIN_RPC_URL, fx.chain().rpcUrl());
    config.set(SettlementOptions.DEPLOYMENT, deploymentFile.toString());
    config.set(SettlementOptions.SETTLER_KEY, "file:" + settlerKey);
    config.set(IcebergOptions.WAREHOUSE, warehouse.location());
    return config;
  }

  /** Waits (up to 120 s) until the chain's last posted epoch is {@code epoch} or later. */
  void awaitEpoch(long epoch) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        var last = fx.distributor(PayableFixture.DEPLOYER).lastPostedEpoch().send();
        if (last.component1() && last.component2().longValueExact() >= epoch) {
          return;
        }
      } catch (java.io.IOException e) {
        // the chain is away or still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("epoch " + epoch + " not posted after 120 s");
  }

  /** The roots every correct run posts for {@code rewards}, as "epoch:root" in epoch order. */
  List<String> expectedRoots(List<AttributedReward> rewards) {
    List<String> out = new ArrayList<>();
    RewardFixtures.roots(fx.deployment().rewardDistributor(), rewards)
        .forEach((epoch, root) -> out.add(epoch + ":" + root));
    return out;
  }

  /** Every posted root as "epoch:root", in posting order (duplicates would show). */
  List<String> postedRoots() throws Exception {
    RewardDistributor d = fx.distributor(PayableFixture.DEPLOYER);
    int count = d.distributionCount().send().intValueExact();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RewardDistributor.Distribution dist = d.distributionAt(BigInteger.valueOf(i)).send();
      out.add(dist.epoch + ":" + Numeric.toHexString(dist.root));
    }
    return out;
  }

  /** The chain and table arguments of the CLI's settlement commands. */
  String[] cliSource(AnvilChain anvil, LocalIcebergWarehouse warehouse) {
    return new String[] {
      "--rpc", anvil.rpcUrl(),
      "--deployment", deploymentFile.toString(),
      "--warehouse", warehouse.location()
    };
  }

  /**
   * Claims every account of the last epoch with {@code payable claim} and the proofs from the
   * table; each is paid exactly its reference total, and together exactly every fee.
   */
  void claimEveryAccount(
      AnvilChain anvil, LocalIcebergWarehouse warehouse, List<AttributedReward> rewards)
      throws Exception {
    var token = fx.token(PayableFixture.DEPLOYER);
    BigInteger sum = BigInteger.ZERO;
    for (Map.Entry<String, BigInteger> owed :
        RewardFixtures.cumulative(rewards).lastEntry().getValue().entrySet()) {
      BigInteger before = token.balanceOf(owed.getKey()).send();
      CliRun claim =
          CliRun.of(
              SettlementJobITCase.concat(
                  new String[] {"claim", owed.getKey(), "--key-file", submitterKey.toString()},
                  cliSource(anvil, warehouse)));
      assertThat(claim.exit()).as(claim.err()).isZero();
      BigInteger paid = token.balanceOf(owed.getKey()).send().subtract(before);
      assertThat(paid).as("claim of %s", owed.getKey()).isEqualTo(owed.getValue());
      sum = sum.add(paid);
    }
    assertThat(sum).isEqualTo(RewardFixtures.totalFees(rewards));
  }
}
