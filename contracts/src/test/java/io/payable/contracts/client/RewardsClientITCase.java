package io.payable.contracts.client;

import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.PayableFixture.SETTLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RewardsClientITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  @Test
  void readsParametersPostsAndResumesFromTheLastEpoch() throws Exception {
    PayableFixture fx =
        PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    ProtocolParameters params = ProtocolParameters.read(fx.params(DEPLOYER));
    assertThat(params)
        .isEqualTo(
            new ProtocolParameters(7_000, 1_500, 1_000, 500, 10_000, 8, 1_000, 3_600, 3_600));

    ChainClient chain = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    RewardsClient settler =
        RewardsClient.connect(chain, fx.deployment(), fx.account(SETTLER).credentials());
    assertThat(settler.lastPostedEpoch()).isEmpty();
    assertThat(settler.activeRoot()).isEmpty();

    fx.token(DEPLOYER).approve(fx.deployment().rewardDistributor(), BigInteger.TEN.pow(6)).send();
    fx.distributor(DEPLOYER).fund(BigInteger.TEN.pow(6)).send();
    StandardMerkleTree tree =
        StandardMerkleTree.of(
            fx.deployment().rewardDistributor(),
            List.of(
                new RewardLeaf(fx.address(4), BigInteger.valueOf(70)),
                new RewardLeaf(fx.address(5), BigInteger.valueOf(30))));
    PostedRoot posted = settler.postRoot(493_210, tree, new byte[32]);
    assertThat(posted.gasUsed()).isPositive();
    assertThat(posted.root()).isEqualTo(tree.rootHex());
    assertThat(settler.lastPostedEpoch()).hasValue(493_210);

    ANVIL.chain().advance(params.activationDelaySeconds());
    assertThat(settler.activeRoot()).hasValue(tree.rootHex());
    assertThat(settler.activeRootIndex()).hasValue(0);
    assertThat(settler.claim(0, tree, 1)).isEqualTo(BigInteger.valueOf(30));
    assertThat(settler.claim(0, tree, 1)).isZero();
    assertThat(settler.claimed(fx.address(5))).isEqualTo(BigInteger.valueOf(30));
  }
}
