package io.payable.up.demo;

import io.payable.contracts.anvil.AnvilChain;
import io.payable.contracts.anvil.DevAccount;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.DatanetIds;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.deploy.Deployer;
import io.payable.contracts.deploy.Deployment;
import io.payable.contracts.eip712.WorkerConsent;
import io.payable.contracts.generated.DatanetRegistry;
import io.payable.contracts.generated.ModelRegistry;
import io.payable.contracts.generated.OpenToken;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.generated.Staking;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The demo's chain: contracts deployed with short epochs and a one-second veto window, one Datanet
 * per corpus, a staked, registered worker, and consumers holding OPEN. Adapters are registered by
 * the model factory when they are trained. Uses anvil's public development keys, which must never
 * hold value.
 */
public final class DemoChain {

  public static final int DEPLOYER = 0;
  static final int FIRST_CONTRIBUTOR = 1;
  static final int CONTRIBUTORS = 5;
  static final int ADAPTER_OWNER = 6;
  static final int OPERATOR = 7;
  public static final int WORKER = 8;
  static final int TREASURY = 9;
  static final int GUARDIAN = 10;
  public static final int ANCHORER = 11;
  static final int FIRST_CONSUMER = 12;
  static final int CONSUMERS = 3;

  /** The consumer the Console's chat playground pays with. */
  static final int PLAYGROUND = FIRST_CONSUMER + CONSUMERS;

  /** Development accounts the demo uses. */
  public static final int ACCOUNTS = PLAYGROUND + 1;

  /** What each consumer gets from the deployer, in wei of OPEN (a thousand OPEN). */
  static final BigInteger CONSUMER_ALLOWANCE = BigInteger.TEN.pow(18 + 3);

  static final BigInteger FUNDING = BigInteger.TEN.pow(18 + 6);
  static final BigInteger PRICE_WEI = BigInteger.TEN.pow(9);

  final AnvilChain anvil;
  final Web3j web3j;
  final ChainClient client;
  public final Deployment deployment;
  public final Path deploymentFile;
  final Path keys;
  private final boolean resumed;

  private DemoChain(
      AnvilChain anvil,
      Web3j web3j,
      ChainClient client,
      Deployment deployment,
      Path dir,
      boolean resumed) {
    this.anvil = anvil;
    this.web3j = web3j;
    this.client = client;
    this.deployment = deployment;
    this.deploymentFile = deploymentFileIn(dir);
    this.keys = dir.resolve("keys");
    this.resumed = resumed;
  }

  private static Path deploymentFileIn(Path dir) {
    return dir.resolve("deployment.json");
  }

  /**
   * The demo chain of a data directory: the deployment recorded in {@code dir} when there is one (a
   * restart on the same data directory), else a new one set up as {@link #setUp} does.
   */
  public static DemoChain setUpOrResume(
      AnvilChain anvil, Path dir, Duration epoch, List<String> datanets) throws Exception {
    return Files.exists(deploymentFileIn(dir))
        ? resume(anvil, dir)
        : setUp(anvil, dir, epoch, datanets);
  }

  /**
   * The deployment recorded in {@code dir}, after checking that the chain still has code at every
   * address it names: a data directory whose chain state was lost (or belongs to another chain)
   * fails here with one line, before anything is sent to contracts that are not there.
   */
  static DemoChain resume(AnvilChain anvil, Path dir) throws Exception {
    Deployment deployment = Deployment.read(deploymentFileIn(dir));
    if (deployment.chainId() != anvil.chainId()) {
      throw new IllegalStateException(
          "The data directory's deployment is on chain "
              + deployment.chainId()
              + ", not on this chain ("
              + anvil.chainId()
              + "): use another --data-dir.");
    }
    Web3j web3j = anvil.newClient();
    Map<String, String> contracts = new LinkedHashMap<>();
    contracts.put("OpenToken", deployment.openToken());
    contracts.put("TimelockController", deployment.timelock());
    contracts.put("OpenGovernor", deployment.governor());
    contracts.put("ProtocolParams", deployment.protocolParams());
    contracts.put("DatanetRegistry", deployment.datanetRegistry());
    contracts.put("Staking", deployment.staking());
    contracts.put("ModelRegistry", deployment.modelRegistry());
    contracts.put("RewardDistributor", deployment.rewardDistributor());
    contracts.put("ConsumerEscrow", deployment.consumerEscrow());
    for (Map.Entry<String, String> c : contracts.entrySet()) {
      String code =
          c.getValue() == null
              ? "0x"
              : web3j.ethGetCode(c.getValue(), DefaultBlockParameterName.LATEST).send().getCode();
      if (code == null || code.equals("0x")) {
        web3j.shutdown();
        throw new IllegalStateException(
            "The chain has no "
                + c.getKey()
                + " at "
                + c.getValue()
                + ", where "
                + deploymentFileIn(dir)
                + " says it is: the chain state under the data directory is missing or belongs"
                + " to another deployment; use another --data-dir.");
      }
    }
    return new DemoChain(
        anvil, web3j, new ChainClient(web3j, anvil.chainId()), deployment, dir, true);
  }

  /** Whether this chain was set up by an earlier run on the same data directory. */
  public boolean resumed() {
    return resumed;
  }

  /** Deploys the contracts and sets up the Datanets, the worker and the consumers' OPEN. */
  public static DemoChain setUp(AnvilChain anvil, Path dir, Duration epoch, List<String> datanets)
      throws Exception {
    Web3j web3j = anvil.newClient();
    ChainClient client = new ChainClient(web3j, anvil.chainId());
    String deployer = anvil.account(DEPLOYER).address();
    // The demo profile: the deployer also settles; guardian and anchorer are their own accounts.
    DeployConfig config =
        DeployConfig.localDefaults()
            .withRoles(
                deployer,
                deployer,
                anvil.account(GUARDIAN).address(),
                anvil.account(ANCHORER).address())
            .withEpochs(epoch.toSeconds(), 1);
    Deployment deployment = new Deployer(client, credentials(anvil, DEPLOYER)).deploy(config);
    DemoChain chain = new DemoChain(anvil, web3j, client, deployment, dir, false);
    Files.createDirectories(chain.keys);
    int accounts = Math.min(ACCOUNTS, anvil.accounts().size());
    for (DevAccount a : anvil.accounts().subList(0, accounts)) {
      Files.writeString(chain.keyFile(anvil.accounts().indexOf(a)), a.privateKey());
    }
    for (String datanet : datanets) {
      chain
          .datanets(TREASURY)
          .createDatanet(
              DatanetIds.saltOf(datanet), anvil.account(TREASURY).address(), "demo:" + datanet)
          .send();
    }
    // The demo's consumers and the Console's playground consumer.
    for (int c = 0; c <= CONSUMERS && FIRST_CONSUMER + c < accounts; c++) {
      chain
          .token(DEPLOYER)
          .transfer(anvil.account(FIRST_CONSUMER + c).address(), CONSUMER_ALLOWANCE)
          .send();
    }
    ModelRegistry operator = chain.models(OPERATOR);
    BigInteger stake = operator.minWorkerStake().send();
    chain.token(DEPLOYER).transfer(anvil.account(OPERATOR).address(), stake).send();
    chain.token(OPERATOR).approve(deployment.staking(), stake).send();
    Staking.load(
            deployment.staking(),
            web3j,
            client.transactionManager(credentials(anvil, OPERATOR)),
            client.gasProvider())
        .stake(stake)
        .send();
    WorkerConsent.register(
        operator,
        anvil.chainId(),
        anvil.account(OPERATOR).address(),
        credentials(anvil, WORKER),
        web3j
            .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
            .send()
            .getBlock()
            .getTimestamp()
            .longValueExact(),
        3_600);
    // Written last: a data directory with a deployment file holds a platform set up completely.
    deployment.write(chain.deploymentFile);
    return chain;
  }

  /**
   * Registers an adapter on {@code datanet} as the adapter owner, without a trained artifact: for
   * tests whose events name an adapter no model factory trained.
   */
  public void registerAdapter(String name, String datanet, String baseModel) throws Exception {
    models(ADAPTER_OWNER)
        .registerAdapter(
            Hash.sha3(name.getBytes(StandardCharsets.UTF_8)),
            id(baseModel),
            List.of(datanetId(datanet)),
            new byte[32],
            PRICE_WEI)
        .send();
  }

  /** The bytes32 id of a model or adapter name. */
  public static byte[] id(String name) {
    return Hash.sha3(name.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The id of the demo Datanet {@code name}: created by the treasury account with the name as salt.
   */
  public byte[] datanetId(String name) {
    return DatanetIds.ofName(anvil.account(TREASURY).address(), name);
  }

  public Path keyFile(int account) {
    return keys.resolve("account-" + account + ".key");
  }

  public String address(int account) {
    return anvil.account(account).address().toLowerCase();
  }

  public Credentials credentials(int account) {
    return credentials(anvil, account);
  }

  private static Credentials credentials(AnvilChain anvil, int account) {
    return anvil.account(account).credentials();
  }

  /**
   * Funds the distributor from the deployer, for a settlement job that does not redeem the
   * consumers' vouchers from ConsumerEscrow itself.
   */
  public void fundDistributor() throws Exception {
    token(DEPLOYER).approve(deployment.rewardDistributor(), FUNDING).send();
    distributor(DEPLOYER).fund(FUNDING).send();
  }

  OpenToken token(int as) {
    return OpenToken.load(
        deployment.openToken(),
        web3j,
        client.transactionManager(credentials(as)),
        client.gasProvider());
  }

  public RewardDistributor distributor(int as) {
    return RewardDistributor.load(
        deployment.rewardDistributor(),
        web3j,
        client.transactionManager(credentials(as)),
        client.gasProvider());
  }

  DatanetRegistry datanets(int as) {
    return DatanetRegistry.load(
        deployment.datanetRegistry(),
        web3j,
        client.transactionManager(credentials(as)),
        client.gasProvider());
  }

  ModelRegistry models(int as) {
    return ModelRegistry.load(
        deployment.modelRegistry(),
        web3j,
        client.transactionManager(credentials(as)),
        client.gasProvider());
  }
}
