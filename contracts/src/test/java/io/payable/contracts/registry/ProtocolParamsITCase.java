package io.payable.contracts.registry;

import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.chain.ChainClient;
import io.payable.contracts.generated.ProtocolParams;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.tuples.generated.Tuple4;
import org.web3j.tx.gas.DefaultGasProvider;

/** ProtocolParams validation, ownership and events, with a plain account as owner. */
class ProtocolParamsITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static BigInteger n(long v) {
    return BigInteger.valueOf(v);
  }

  @Test
  void onlyTheOwnerSetsValidParametersAndEachChangeIsAnEvent() throws Exception {
    ChainClient client = new ChainClient(ANVIL.web3j(), ANVIL.chain().chainId());
    String owner = ANVIL.chain().account(0).address();
    String stranger = ANVIL.chain().account(1).address();
    var tx = client.transactionManager(ANVIL.chain().account(0).credentials());
    DefaultGasProvider gas = new DefaultGasProvider();

    ProtocolParams params =
        ProtocolParams.deploy(
                ANVIL.web3j(),
                tx,
                gas,
                owner,
                List.of(n(7_000), n(1_500), n(1_000), n(500)),
                n(10_000),
                n(8),
                n(1_000),
                n(3_600),
                n(3_600))
            .send();
    assertThat(params.feeSplit().send())
        .isEqualTo(new Tuple4<>(n(7_000), n(1_500), n(1_000), n(500)));
    assertThat(params.minSpanTokens().send()).isEqualTo(n(8));
    assertThat(params.epochLength().send()).isEqualTo(n(3_600));

    assertRevertsWith(
        ANVIL.web3j(),
        stranger,
        params,
        params.setEpochLength(n(60)),
        "OwnableUnauthorizedAccount(address)");
    assertRevertsWith(
        ANVIL.web3j(),
        owner,
        params,
        params.setFeeSplit(n(7_000), n(1_500), n(1_000), n(499)),
        "InvalidFeeSplit(uint256)");
    assertRevertsWith(
        ANVIL.web3j(),
        owner,
        params,
        params.setAttributionThreshold(n(1_000_001)),
        "InvalidThreshold(uint32)");
    assertRevertsWith(
        ANVIL.web3j(),
        owner,
        params,
        params.setSpanLimits(n(0), n(10)),
        "InvalidSpanLimits(uint32,uint32)");
    assertRevertsWith(
        ANVIL.web3j(), owner, params, params.setEpochLength(n(0)), "InvalidEpochLength(uint64)");

    var receipt = params.setFeeSplit(n(6_000), n(2_000), n(1_500), n(500)).send();
    assertThat(params.getFeeSplitChangedEvents(receipt)).hasSize(1);
    receipt = params.setAttributionThreshold(n(25_000)).send();
    var event = params.getAttributionThresholdChangedEvents(receipt).get(0);
    assertThat(event.previousPpm).isEqualTo(n(10_000));
    assertThat(event.newPpm).isEqualTo(n(25_000));
    params.setSpanLimits(n(12), n(500)).send();
    params.setActivationDelay(n(60)).send();
    assertThat(params.maxOccurrences().send()).isEqualTo(n(500));
    assertThat(params.activationDelay().send()).isEqualTo(n(60));
    assertThat(params.dataContributorsBps().send()).isEqualTo(n(6_000));
  }
}
