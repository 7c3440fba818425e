package io.payable.contracts.registry;

import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.ProtocolParams;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.tuples.generated.Tuple4;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * ProtocolParams validation, bounds, two-step ownership and events, with a plain account as owner.
 */
class ProtocolParamsITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final long THIRTY_DAYS = 30 * 86_400;
  private static ChainClient client;
  private static String owner;
  private static String stranger;

  private static BigInteger n(long v) {
    return BigInteger.valueOf(v);
  }

  @BeforeAll
  static void setUp() {
    client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    owner = ANVIL.chain().account(0).address();
    stranger = ANVIL.chain().account(1).address();
  }

  private static ProtocolParams deploy(long epoch, long delay, long minDelay) throws Exception {
    return ProtocolParams.deploy(
            ANVIL.web3j(),
            client.transactionManager(ANVIL.chain().account(0).credentials()),
            new DefaultGasProvider(),
            owner,
            List.of(n(7_000), n(1_500), n(1_000), n(500)),
            n(10_000),
            n(8),
            n(1_000),
            n(epoch),
            n(delay),
            n(minDelay))
        .send();
  }

  private static ProtocolParams as(ProtocolParams params, int account) {
    return ProtocolParams.load(
        params.getContractAddress(),
        ANVIL.web3j(),
        client.transactionManager(ANVIL.chain().account(account).credentials()),
        new DefaultGasProvider());
  }

  private static void reverts(ProtocolParams p, String from, RemoteFunctionCall<?> call, String e) {
    assertRevertsWith(ANVIL.web3j(), from, p, call, e);
  }

  @Test
  void onlyTheOwnerSetsValidParametersAndEachChangeIsAnEvent() throws Exception {
    ProtocolParams params = deploy(3_600, 3_600, 60);
    assertThat(params.feeSplit().send())
        .isEqualTo(new Tuple4<>(n(7_000), n(1_500), n(1_000), n(500)));
    assertThat(params.minSpanTokens().send()).isEqualTo(n(8));
    assertThat(params.epochLength().send()).isEqualTo(n(3_600));
    assertThat(params.minActivationDelay().send()).isEqualTo(n(60));

    String denied = "OwnableUnauthorizedAccount(address)";
    reverts(params, stranger, params.setEpochLength(n(60)), denied);
    reverts(params, stranger, params.setFeeSplit(n(7_000), n(1_500), n(1_000), n(500)), denied);
    reverts(params, stranger, params.setAttributionThreshold(n(1)), denied);
    reverts(params, stranger, params.setSpanLimits(n(1), n(1)), denied);
    reverts(params, stranger, params.setActivationDelay(n(60)), denied);
    reverts(
        params,
        owner,
        params.setFeeSplit(n(7_000), n(1_500), n(1_000), n(499)),
        "ProtocolParamsInvalidFeeSplit(uint256)");
    reverts(
        params,
        owner,
        params.setAttributionThreshold(n(1_000_001)),
        "ProtocolParamsInvalidThreshold(uint32)");
    String spans = "ProtocolParamsInvalidSpanLimits(uint32,uint32)";
    reverts(params, owner, params.setSpanLimits(n(0), n(10)), spans);
    reverts(params, owner, params.setSpanLimits(n(10), n(0)), spans);
    String epoch = "ProtocolParamsInvalidEpochLength(uint64)";
    reverts(params, owner, params.setEpochLength(n(0)), epoch);
    reverts(params, owner, params.setEpochLength(n(THIRTY_DAYS + 1)), epoch);

    var receipt = params.setFeeSplit(n(6_000), n(2_000), n(1_500), n(500)).send();
    assertThat(params.getFeeSplitChangedEvents(receipt))
        .singleElement()
        .satisfies(e -> assertThat(e.workerOperatorBps).isEqualTo(n(1_500)));
    receipt = params.setAttributionThreshold(n(25_000)).send();
    var event = params.getAttributionThresholdChangedEvents(receipt).get(0);
    assertThat(event.previousPpm).isEqualTo(n(10_000));
    assertThat(event.newPpm).isEqualTo(n(25_000));
    assertThat(params.getSpanLimitsChangedEvents(params.setSpanLimits(n(12), n(500)).send()))
        .singleElement()
        .satisfies(e -> assertThat(e.minSpanTokens).isEqualTo(n(12)));
    assertThat(params.getEpochLengthChangedEvents(params.setEpochLength(n(600)).send()))
        .singleElement()
        .satisfies(e -> assertThat(e.previousSeconds).isEqualTo(n(3_600)));
    assertThat(params.getActivationDelayChangedEvents(params.setActivationDelay(n(60)).send()))
        .singleElement()
        .satisfies(e -> assertThat(e.newSeconds).isEqualTo(n(60)));
    assertThat(params.maxOccurrences().send()).isEqualTo(n(500));
    assertThat(params.dataContributorsBps().send()).isEqualTo(n(6_000));
  }

  @Test
  void gradientAttributionParametersAreBoundedAndOwnerOnly() throws Exception {
    ProtocolParams params = deploy(3_600, 3_600, 60);
    assertThat(params.hybridGradientBps().send()).isEqualTo(n(5_000));
    assertThat(params.sketchAuditBps().send()).isEqualTo(n(100));
    assertThat(params.sketchToleranceBps().send()).isEqualTo(n(200));
    assertThat(params.gradientThresholdBps().send()).isEqualTo(n(2_000));
    reverts(
        params,
        stranger,
        params.setGradientAttributionParams(n(1), n(1), n(1), n(1)),
        "OwnableUnauthorizedAccount(address)");
    String bad = "ProtocolParamsInvalidGradientParams(uint16,uint16,uint16,uint16)";
    reverts(params, owner, params.setGradientAttributionParams(n(10_001), n(0), n(1), n(0)), bad);
    reverts(params, owner, params.setGradientAttributionParams(n(0), n(10_001), n(1), n(0)), bad);
    reverts(params, owner, params.setGradientAttributionParams(n(0), n(0), n(0), n(0)), bad);
    reverts(params, owner, params.setGradientAttributionParams(n(0), n(0), n(10_001), n(0)), bad);
    reverts(params, owner, params.setGradientAttributionParams(n(0), n(0), n(1), n(10_001)), bad);
    var receipt =
        params.setGradientAttributionParams(n(10_000), n(10_000), n(10_000), n(10_000)).send();
    assertThat(params.getGradientAttributionParamsChangedEvents(receipt))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.hybridGradientBps).isEqualTo(n(10_000));
              assertThat(e.sketchAuditBps).isEqualTo(n(10_000));
              assertThat(e.sketchToleranceBps).isEqualTo(n(10_000));
              assertThat(e.gradientThresholdBps).isEqualTo(n(10_000));
            });
    assertThat(params.gradientThresholdBps().send()).isEqualTo(n(10_000));
    var zero = params.setGradientAttributionParams(n(0), n(0), n(1), n(0)).send();
    assertThat(params.getGradientAttributionParamsChangedEvents(zero))
        .singleElement()
        .satisfies(e -> assertThat(e.gradientThresholdBps).isEqualTo(n(0)));
    assertThat(params.hybridGradientBps().send()).isEqualTo(n(0));
    assertThat(params.sketchAuditBps().send()).isEqualTo(n(0));
    assertThat(params.sketchToleranceBps().send()).isEqualTo(n(1));
    assertThat(params.gradientThresholdBps().send()).isEqualTo(n(0));
  }

  /** M-3: 0 would make roots unrevocable, a huge value would overflow every postRoot. */
  @Test
  void theActivationDelayStaysWithinItsBounds() throws Exception {
    ProtocolParams params = deploy(3_600, 3_600, 600);
    String bad = "ProtocolParamsInvalidActivationDelay(uint64,uint64,uint64)";
    reverts(params, owner, params.setActivationDelay(n(0)), bad);
    reverts(params, owner, params.setActivationDelay(n(599)), bad);
    reverts(params, owner, params.setActivationDelay(n(THIRTY_DAYS + 1)), bad);
    reverts(params, owner, params.setActivationDelay(new BigInteger("18446744073709551615")), bad);
    params.setActivationDelay(n(THIRTY_DAYS)).send();
    for (long[] args : new long[][] {{3_600, 3_600, 0}, {3_600, 60, 600}, {0, 3_600, 60}}) {
      assertThatThrownBy(() -> deploy(args[0], args[1], args[2])).isInstanceOf(Exception.class);
    }
  }

  /** L-4: ownership moves only when the new owner accepts, and is never renounced. */
  @Test
  void ownershipMovesInTwoStepsAndIsNeverRenounced() throws Exception {
    ProtocolParams params = deploy(3_600, 3_600, 60);
    // renounceOwnership always reverts, so it is pure and the wrapper has no method for it.
    RemoteFunctionCall<Void> renounce =
        new RemoteFunctionCall<>(
            new org.web3j.abi.datatypes.Function("renounceOwnership", List.of(), List.of()),
            () -> null);
    reverts(params, owner, renounce, "ProtocolParamsRenounceDisabled()");
    reverts(
        params,
        stranger,
        params.transferOwnership(stranger),
        "OwnableUnauthorizedAccount(address)");
    var started =
        params.getOwnershipTransferStartedEvents(params.transferOwnership(stranger).send());
    assertThat(started)
        .singleElement()
        .satisfies(e -> assertThat(e.newOwner).isEqualToIgnoringCase(stranger));
    assertThat(params.owner().send()).isEqualToIgnoringCase(owner);
    assertThat(params.pendingOwner().send()).isEqualToIgnoringCase(stranger);
    ProtocolParams third = as(params, 2);
    reverts(
        params,
        ANVIL.chain().account(2).address(),
        third.acceptOwnership(),
        "OwnableUnauthorizedAccount(address)");
    var moved = params.getOwnershipTransferredEvents(as(params, 1).acceptOwnership().send());
    assertThat(moved)
        .singleElement()
        .satisfies(e -> assertThat(e.newOwner).isEqualToIgnoringCase(stranger));
    assertThat(params.owner().send()).isEqualToIgnoringCase(stranger);
    reverts(params, owner, params.setEpochLength(n(60)), "OwnableUnauthorizedAccount(address)");
  }
}
