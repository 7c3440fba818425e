package io.payable.contracts.escrow;

import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.PayableFixture.SETTLER;
import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.client.EscrowClient;
import io.payable.contracts.client.Redemption;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.SignedVoucher;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.contracts.generated.ConsumerEscrow;
import io.payable.contracts.testing.PayableFixture;
import io.payable.contracts.testing.Reverts;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.utils.Numeric;

/**
 * ConsumerEscrow on anvil: deposits (plain and ERC-2612), vouchers redeemed singly and in batches
 * into the RewardDistributor, every way a voucher can be wrong, the withdrawal delay, a withdrawal
 * that leaves authorised spend unredeemable, and every role check. The escrow under test is the one
 * {@code Deployer} deploys (timelock admin, the settler key redeems); role checks of the admin use
 * a second escrow with a plain admin account.
 */
class ConsumerEscrowITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int ALICE = 5;
  private static final int BOB = 6;
  private static final int CAROL = 7;
  private static final int ADMIN = 8;
  private static final BigInteger OPEN = BigInteger.TEN.pow(18);
  private static final long FAR = 4_000_000_000L;

  private static PayableFixture fx;
  private static ChainClient client;
  private static String escrowAddress;
  private static Eip712Domain domain;
  private String snapshot;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    escrowAddress = fx.deployment().consumerEscrow();
    domain = VoucherSignatures.domain(ANVIL.chain().chainId(), escrowAddress);
    for (int consumer : new int[] {ALICE, BOB, CAROL}) {
      fx.token(DEPLOYER).transfer(fx.address(consumer), open(1_000)).send();
    }
  }

  @BeforeEach
  void takeSnapshot() {
    snapshot = ANVIL.chain().snapshot();
  }

  @AfterEach
  void revertSnapshot() {
    ANVIL.chain().revertTo(snapshot);
  }

  private static BigInteger open(long v) {
    return OPEN.multiply(BigInteger.valueOf(v));
  }

  private static EscrowClient as(int account) {
    return EscrowClient.connect(client, fx.deployment(), fx.account(account).credentials());
  }

  private static ConsumerEscrow escrow(int account) {
    return as(account).contract();
  }

  private static SignedVoucher voucher(int consumer, BigInteger amount) {
    return voucher(domain, consumer, amount);
  }

  private static SignedVoucher voucher(Eip712Domain in, int consumer, BigInteger amount) {
    return SignedVoucher.sign(
        in, new Voucher(fx.address(consumer), amount, FAR), fx.account(consumer).credentials());
  }

  private static ConsumerEscrow.Redemption entry(SignedVoucher v, BigInteger charged) {
    return new ConsumerEscrow.Redemption(
        new ConsumerEscrow.Voucher(
            v.voucher().consumer(),
            v.voucher().cumulativeAmount(),
            BigInteger.valueOf(v.voucher().expiry())),
        v.signatureBytes(),
        charged);
  }

  /**
   * Simulates deploying an escrow with these arguments and asserts it reverts with {@code error}.
   */
  private static void assertDeployReverts(
      String distributor, String admin, String settler, long withdrawalDelay, String error) {
    String args =
        FunctionEncoder.encodeConstructor(
            List.of(
                new Address(fx.deployment().openToken()),
                new Address(distributor),
                new Address(admin),
                new Address(settler),
                new Uint64(withdrawalDelay)));
    Reverts.assertDeployRevertsWith(
        ANVIL.web3j(), fx.address(DEPLOYER), ConsumerEscrow.BINARY, args, error);
  }

  private static void reverts(int from, RemoteFunctionCall<?> call, String error) {
    assertRevertsWith(ANVIL.web3j(), fx.address(from), escrow(from), call, error);
  }

  private static BigInteger funded() throws Exception {
    return fx.distributor(DEPLOYER).totalFunded().send();
  }

  private static BigInteger tokenBalance(String address) throws Exception {
    return fx.token(DEPLOYER).balanceOf(address).send();
  }

  @Test
  void consumersDepositWithApprovalOrPermit() throws Exception {
    reverts(ALICE, escrow(ALICE).deposit(BigInteger.ZERO), "ConsumerEscrowZeroAmount()");
    // Without an approval the token refuses the transfer.
    reverts(
        ALICE,
        escrow(ALICE).deposit(open(1)),
        "ERC20InsufficientAllowance(address,uint256,uint256)");

    as(ALICE).deposit(open(100));
    assertThat(as(ALICE).account(fx.address(ALICE)).balance()).isEqualTo(open(100));
    assertThat(tokenBalance(escrowAddress)).isEqualTo(open(100));

    // Permit: one transaction, no approval before it; the allowance is used up.
    var receipt = as(BOB).depositWithPermit(open(40), FAR);
    assertThat(ConsumerEscrow.getDepositedEvents(receipt))
        .singleElement()
        .satisfies(e -> assertThat(e.balance).isEqualTo(open(40)));
    assertThat(as(BOB).account(fx.address(BOB)).balance()).isEqualTo(open(40));
    assertThat(fx.token(BOB).allowance(fx.address(BOB), escrowAddress).send()).isZero();
    assertThat(tokenBalance(escrowAddress)).isEqualTo(open(140));

    // A permit signed by someone else (here: for a different amount) deposits nothing.
    reverts(
        CAROL,
        escrow(CAROL)
            .depositWithPermit(
                open(5),
                BigInteger.valueOf(FAR),
                BigInteger.valueOf(27),
                new byte[32],
                new byte[32]),
        "ERC20InsufficientAllowance(address,uint256,uint256)");
  }

  @Test
  void vouchersAreRedeemedIntoTheDistributorSinglyAndInBatches() throws Exception {
    as(ALICE).deposit(open(100));
    as(BOB).deposit(open(100));
    as(CAROL).deposit(open(100));
    BigInteger before = funded();
    EscrowClient settler = as(SETTLER);

    // Single: charged 30 of a voucher for 50.
    var first = settler.redeem(List.of(new Redemption(voucher(ALICE, open(50)), open(30))));
    assertThat(first.redeemed())
        .containsExactlyEntriesOf(
            java.util.Map.of(fx.address(ALICE).toLowerCase(Locale.ROOT), open(30)));
    assertThat(funded()).isEqualTo(before.add(open(30)));
    assertThat(as(ALICE).account(fx.address(ALICE)).redeemed()).isEqualTo(open(30));
    assertThat(as(ALICE).account(fx.address(ALICE)).balance()).isEqualTo(open(70));

    // The same redemption again pays nothing (cumulative), and moves nothing.
    var replay = settler.redeem(List.of(new Redemption(voucher(ALICE, open(50)), open(30))));
    assertThat(replay.total()).isZero();
    assertThat(funded()).isEqualTo(before.add(open(30)));

    // Batch: Alice up to 50 (pays 20 more), Bob 10, Carol 45 of her 45.
    var batch =
        settler.redeem(
            List.of(
                new Redemption(voucher(ALICE, open(50)), open(50)),
                new Redemption(voucher(BOB, open(10)), open(10)),
                new Redemption(voucher(CAROL, open(45)), open(45))));
    assertThat(batch.total()).isEqualTo(open(75));
    assertThat(batch.shortfalls()).isEmpty();
    assertThat(funded()).isEqualTo(before.add(open(105)));
    // Conservation: what left the escrow is what the distributor was funded with.
    assertThat(tokenBalance(escrowAddress)).isEqualTo(open(300 - 105));
    assertThat(tokenBalance(fx.deployment().rewardDistributor())).isEqualTo(before.add(open(105)));

    // The settlement job can now post a root worth what consumers paid, and not a wei more.
    var distributor = fx.distributor(SETTLER);
    long epoch =
        ANVIL
                .web3j()
                .ethGetBlockByNumber(
                    org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                .send()
                .getBlock()
                .getTimestamp()
                .longValueExact()
            / fx.params(DEPLOYER).epochLength().send().longValueExact();
    assertRevertsWith(
        ANVIL.web3j(),
        fx.address(SETTLER),
        distributor,
        distributor.postRoot(
            BigInteger.valueOf(epoch),
            new byte[] {
              1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
              0, 0, 0
            },
            before.add(open(105)).add(BigInteger.ONE),
            new byte[32]),
        "RewardDistributorTotalAboveFunded(uint256,uint256)");
  }

  @Test
  void noOneIsChargedMoreThanTheySigned() throws Exception {
    as(ALICE).deposit(open(100));
    as(BOB).deposit(open(100));
    ConsumerEscrow settler = escrow(SETTLER);
    SignedVoucher fifty = voucher(ALICE, open(50));

    // Over-redeem: charged above the signed amount.
    reverts(
        SETTLER,
        settler.redeem(List.of(entry(fifty, open(51)))),
        "ConsumerEscrowAboveVoucher(address,uint256,uint256)");
    // A raised amount under the old signature.
    SignedVoucher raised =
        new SignedVoucher(new Voucher(fx.address(ALICE), open(90), FAR), fifty.signature());
    reverts(
        SETTLER,
        settler.redeem(List.of(entry(raised, open(90)))),
        "ConsumerEscrowInvalidSignature(address)");
    // Forged: Bob signs a voucher naming Alice.
    SignedVoucher forged =
        SignedVoucher.sign(
            domain, new Voucher(fx.address(ALICE), open(90), FAR), fx.account(BOB).credentials());
    reverts(
        SETTLER,
        settler.redeem(List.of(entry(forged, open(90)))),
        "ConsumerEscrowInvalidSignature(address)");
    // The malleable twin of a valid signature (s -> n - s, v flipped) is refused.
    byte[] sig = fifty.signatureBytes();
    BigInteger n =
        new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
    System.arraycopy(Numeric.toBytesPadded(n.subtract(s), 32), 0, sig, 32, 32);
    sig[64] = (byte) (sig[64] == 27 ? 28 : 27);
    SignedVoucher twin = new SignedVoucher(fifty.voucher(), Numeric.toHexString(sig));
    reverts(
        SETTLER,
        settler.redeem(List.of(entry(twin, open(50)))),
        "ConsumerEscrowInvalidSignature(address)");
    // One bad entry fails the whole batch, so nothing is taken from the good ones either.
    reverts(
        SETTLER,
        settler.redeem(List.of(entry(voucher(BOB, open(5)), open(5)), entry(forged, open(1)))),
        "ConsumerEscrowInvalidSignature(address)");

    // Wrong domain: signed for another chain id, or for another escrow (here the distributor's
    // address as verifying contract).
    SignedVoucher otherChain = voucher(VoucherSignatures.domain(1, escrowAddress), ALICE, open(50));
    reverts(
        SETTLER,
        settler.redeem(List.of(entry(otherChain, open(50)))),
        "ConsumerEscrowInvalidSignature(address)");
    SignedVoucher otherEscrow =
        voucher(
            VoucherSignatures.domain(ANVIL.chain().chainId(), fx.deployment().rewardDistributor()),
            ALICE,
            open(50));
    reverts(
        SETTLER,
        settler.redeem(List.of(entry(otherEscrow, open(50)))),
        "ConsumerEscrowInvalidSignature(address)");

    // The contract's digest is the one the Java side signs.
    assertThat(
            settler
                .voucherDigest(
                    new ConsumerEscrow.Voucher(
                        fx.address(ALICE), open(50), BigInteger.valueOf(FAR)))
                .send())
        .isEqualTo(VoucherSignatures.digest(domain, fifty.voucher()));

    // Replayed: an older, lower voucher after a higher one was redeemed pays nothing.
    as(SETTLER).redeem(List.of(new Redemption(voucher(ALICE, open(60)), open(60))));
    var replay = as(SETTLER).redeem(List.of(new Redemption(fifty, open(50))));
    assertThat(replay.total()).isZero();
    assertThat(as(ALICE).account(fx.address(ALICE)).redeemed()).isEqualTo(open(60));
    assertThat(as(ALICE).account(fx.address(ALICE)).balance()).isEqualTo(open(40));
  }

  @Test
  void withdrawalsWaitForTheDelayAndRedemptionsComeFirst() throws Exception {
    as(ALICE).deposit(open(100));
    long delay = as(ALICE).withdrawalDelay();
    assertThat(delay).isEqualTo(2 * DeployConfig.localDefaults().epochLengthSeconds());

    reverts(ALICE, escrow(ALICE).withdraw(), "ConsumerEscrowNoWithdrawal()");
    reverts(ALICE, escrow(ALICE).requestWithdrawal(BigInteger.ZERO), "ConsumerEscrowZeroAmount()");
    reverts(
        ALICE,
        escrow(ALICE).requestWithdrawal(open(101)),
        "ConsumerEscrowInsufficientBalance(uint256,uint256)");

    as(ALICE).requestWithdrawal(open(100));
    // Workers see nothing left to serve against once a withdrawal of everything is pending.
    assertThat(escrow(ALICE).available(fx.address(ALICE)).send()).isZero();
    reverts(ALICE, escrow(ALICE).withdraw(), "ConsumerEscrowWithdrawalNotReady(uint64)");
    ANVIL.chain().advance(delay - 10);
    reverts(ALICE, escrow(ALICE).withdraw(), "ConsumerEscrowWithdrawalNotReady(uint64)");

    // Within the delay the settler redeems what Alice authorised and was charged.
    as(SETTLER).redeem(List.of(new Redemption(voucher(ALICE, open(30)), open(25))));
    ANVIL.chain().advance(20);
    BigInteger walletBefore = tokenBalance(fx.address(ALICE));
    var receipt = as(ALICE).withdraw();
    assertThat(ConsumerEscrow.getWithdrawnEvents(receipt))
        .singleElement()
        .satisfies(e -> assertThat(e.amount).isEqualTo(open(75)));
    assertThat(tokenBalance(fx.address(ALICE))).isEqualTo(walletBefore.add(open(75)));
    var account = as(ALICE).account(fx.address(ALICE));
    assertThat(account.balance()).isZero();
    assertThat(account.withdrawalAmount()).isZero();
    reverts(ALICE, escrow(ALICE).withdraw(), "ConsumerEscrowNoWithdrawal()");
  }

  @Test
  void aWithdrawalBeforeRedemptionLeavesAuthorisedSpendUnredeemable() throws Exception {
    as(ALICE).deposit(open(100));
    as(BOB).deposit(open(100));
    SignedVoucher aliceVoucher = voucher(ALICE, open(80));
    as(ALICE).requestWithdrawal(open(60));
    assertThat(escrow(ALICE).available(fx.address(ALICE)).send()).isEqualTo(open(40));
    ANVIL.chain().advance(as(ALICE).withdrawalDelay());
    as(ALICE).withdraw();

    // Alice was charged 80 under her voucher but holds 40: her entry pays nothing and is
    // reported; Bob's entry in the same batch pays.
    BigInteger before = funded();
    var result =
        as(SETTLER)
            .redeem(
                List.of(
                    new Redemption(aliceVoucher, open(80)),
                    new Redemption(voucher(BOB, open(20)), open(20))));
    assertThat(result.shortfalls())
        .containsExactlyEntriesOf(
            java.util.Map.of(fx.address(ALICE).toLowerCase(Locale.ROOT), open(80)));
    assertThat(result.redeemed())
        .containsExactlyEntriesOf(
            java.util.Map.of(fx.address(BOB).toLowerCase(Locale.ROOT), open(20)));
    assertThat(funded()).isEqualTo(before.add(open(20)));
    assertThat(as(ALICE).account(fx.address(ALICE)).balance()).isEqualTo(open(40));
    assertThat(as(ALICE).account(fx.address(ALICE)).redeemed()).isZero();
    // A charge that fits what is left is still redeemable: the channel is not closed.
    var rest = as(SETTLER).redeem(List.of(new Redemption(aliceVoucher, open(40))));
    assertThat(rest.total()).isEqualTo(open(40));
  }

  @Test
  void everyRoleIsChecked() throws Exception {
    ConsumerEscrow deployed = escrow(DEPLOYER);
    byte[] settlerRole = deployed.SETTLER_ROLE().send();
    byte[] adminRole = deployed.DEFAULT_ADMIN_ROLE().send();
    // As deployed: the timelock is the admin, the settlement key redeems, the deployer has nothing.
    assertThat(deployed.hasRole(adminRole, fx.deployment().timelock()).send()).isTrue();
    assertThat(deployed.hasRole(settlerRole, fx.address(SETTLER)).send()).isTrue();
    assertThat(deployed.hasRole(adminRole, fx.address(DEPLOYER)).send()).isFalse();
    assertThat(deployed.hasRole(settlerRole, fx.address(DEPLOYER)).send()).isFalse();
    assertThat(deployed.distributor().send())
        .isEqualToIgnoringCase(fx.deployment().rewardDistributor());

    as(ALICE).deposit(open(10));
    String unauthorized = "AccessControlUnauthorizedAccount(address,bytes32)";
    reverts(
        ALICE,
        escrow(ALICE).redeem(List.of(entry(voucher(ALICE, open(1)), open(1)))),
        unauthorized);
    reverts(DEPLOYER, escrow(DEPLOYER).setWithdrawalDelay(BigInteger.ONE), unauthorized);
    reverts(SETTLER, escrow(SETTLER).setWithdrawalDelay(BigInteger.ONE), unauthorized);
    reverts(SETTLER, escrow(SETTLER).grantRole(settlerRole, fx.address(ALICE)), unauthorized);

    // A second escrow with a plain admin account, for what only the admin may do.
    var tx = fx.tx(ADMIN);
    ConsumerEscrow own =
        ConsumerEscrow.deploy(
                ANVIL.web3j(),
                tx,
                client.gasProvider(),
                fx.deployment().openToken(),
                fx.deployment().rewardDistributor(),
                fx.address(ADMIN),
                fx.address(SETTLER),
                BigInteger.valueOf(3_600))
            .send();
    assertRevertsWith(
        ANVIL.web3j(),
        fx.address(ADMIN),
        own,
        own.setWithdrawalDelay(BigInteger.ZERO),
        "ConsumerEscrowInvalidDelay(uint64,uint64)");
    assertRevertsWith(
        ANVIL.web3j(),
        fx.address(ADMIN),
        own,
        own.setWithdrawalDelay(BigInteger.valueOf(30L * 86_400 + 1)),
        "ConsumerEscrowInvalidDelay(uint64,uint64)");
    own.setWithdrawalDelay(BigInteger.valueOf(7_200)).send();
    assertThat(own.withdrawalDelay().send()).isEqualTo(BigInteger.valueOf(7_200));
    // The settler is never the admin, either way round.
    assertRevertsWith(
        ANVIL.web3j(),
        fx.address(ADMIN),
        own,
        own.grantRole(settlerRole, fx.address(ADMIN)),
        "ConsumerEscrowRoleConflict(address)");
    assertRevertsWith(
        ANVIL.web3j(),
        fx.address(ADMIN),
        own,
        own.grantRole(adminRole, fx.address(SETTLER)),
        "ConsumerEscrowRoleConflict(address)");
    // The admin rotates the settler: the old key can no longer redeem.
    own.grantRole(settlerRole, fx.address(BOB)).send();
    own.revokeRole(settlerRole, fx.address(SETTLER)).send();
    ConsumerEscrow oldSettler =
        ConsumerEscrow.load(
            own.getContractAddress(), ANVIL.web3j(), fx.tx(SETTLER), client.gasProvider());
    assertRevertsWith(
        ANVIL.web3j(), fx.address(SETTLER), oldSettler, oldSettler.redeem(List.of()), unauthorized);

    // Bad constructor arguments deploy nothing, each with its reason.
    String admin = fx.address(ADMIN);
    String zero = "0x0000000000000000000000000000000000000000";
    String distributor = fx.deployment().rewardDistributor();
    assertDeployReverts(distributor, admin, admin, 3_600, "ConsumerEscrowRoleConflict(address)");
    assertDeployReverts(zero, admin, fx.address(SETTLER), 3_600, "ConsumerEscrowZeroAddress()");
    assertDeployReverts(distributor, admin, zero, 3_600, "ConsumerEscrowZeroAddress()");
    assertDeployReverts(
        distributor, admin, fx.address(SETTLER), 0, "ConsumerEscrowInvalidDelay(uint64,uint64)");
  }
}
