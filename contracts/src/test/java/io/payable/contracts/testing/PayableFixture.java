package io.payable.contracts.testing;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.anvil.DevAccount;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployer;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.generated.OpenGovernor;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.ProtocolParams;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.generated.Staking;
import org.web3j.protocol.Web3j;
import org.web3j.tx.TransactionManager;

/**
 * The whole contract set deployed on an anvil chain, with wrappers bound to any dev account.
 * Account 0 deploys and holds the supply, 1 is the settler, 2 the guardian, 3 the anchorer.
 */
public final class PayableFixture {

  public static final int DEPLOYER = 0;
  public static final int SETTLER = 1;
  public static final int GUARDIAN = 2;
  public static final int ANCHORER = 3;

  private final AnvilChain chain;
  private final Web3j web3j;
  private final ChainClient client;
  private final Deployment deployment;

  private PayableFixture(AnvilChain chain, Web3j web3j, Deployment deployment) {
    this.chain = chain;
    this.web3j = web3j;
    this.client = new ChainClient(web3j, chain.chainId());
    this.deployment = deployment;
  }

  public static PayableFixture deploy(AnvilChain chain, Web3j web3j, DeployConfig base)
      throws Exception {
    DeployConfig config =
        base.withRoles(
            chain.account(DEPLOYER).address(),
            chain.account(SETTLER).address(),
            chain.account(GUARDIAN).address(),
            chain.account(ANCHORER).address());
    Deployment deployment =
        new Deployer(new ChainClient(web3j, chain.chainId()), chain.account(DEPLOYER).credentials())
            .deploy(config);
    return new PayableFixture(chain, web3j, deployment);
  }

  public Deployment deployment() {
    return deployment;
  }

  public AnvilChain chain() {
    return chain;
  }

  public Web3j web3j() {
    return web3j;
  }

  public DevAccount account(int index) {
    return chain.account(index);
  }

  public String address(int index) {
    return chain.account(index).address();
  }

  public TransactionManager tx(int account) {
    return client.transactionManager(chain.account(account).credentials());
  }

  public OpenToken token(int as) {
    return OpenToken.load(deployment.openToken(), web3j, tx(as), client.gasProvider());
  }

  public RewardDistributor distributor(int as) {
    return RewardDistributor.load(
        deployment.rewardDistributor(), web3j, tx(as), client.gasProvider());
  }

  public ProtocolParams params(int as) {
    return ProtocolParams.load(deployment.protocolParams(), web3j, tx(as), client.gasProvider());
  }

  public DatanetRegistry datanets(int as) {
    return DatanetRegistry.load(deployment.datanetRegistry(), web3j, tx(as), client.gasProvider());
  }

  public ModelRegistry models(int as) {
    return ModelRegistry.load(deployment.modelRegistry(), web3j, tx(as), client.gasProvider());
  }

  public Staking staking(int as) {
    return Staking.load(deployment.staking(), web3j, tx(as), client.gasProvider());
  }

  public OpenGovernor governor(int as) {
    return OpenGovernor.load(deployment.governor(), web3j, tx(as), client.gasProvider());
  }
}
