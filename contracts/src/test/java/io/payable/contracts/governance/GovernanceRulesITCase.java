package io.payable.contracts.governance;

import static io.payable.contracts.testing.PayableFixture.DEPLOYER;
import static io.payable.contracts.testing.PayableFixture.SETTLER;
import static io.payable.contracts.testing.Reverts.assertRevertsWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.payable.contracts.anvil.AnvilExtension;
import io.payable.contracts.deploy.DeployConfig;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.generated.OpenGovernor;
import io.payable.contracts.generated.RewardDistributor;
import io.payable.contracts.testing.PayableFixture;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * Governance paths beyond the happy one: defeated and no-quorum proposals, cancel, early and double
 * votes, late-quorum extension, votes delegated by signature, permit, and rotating the
 * distributor's SETTLER role through a proposal.
 */
class GovernanceRulesITCase {

  @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();

  private static final int VOTER = 6;
  private static final int HOLDER = 7;
  private static final int NEW_SETTLER = 8;
  private static final long VOTING_DELAY = 60;
  private static final long VOTING_PERIOD = 86_400;
  private static final long TIMELOCK_DELAY = 3_600;
  private static final BigInteger OPEN = BigInteger.TEN.pow(18);

  private static PayableFixture fx;
  private String snapshot;

  @BeforeAll
  static void deploy() throws Exception {
    fx = PayableFixture.deploy(ANVIL.chain(), ANVIL.web3j(), DeployConfig.localDefaults());
    // The voter holds 10% of the supply (quorum is 4%) and delegates to itself.
    fx.token(DEPLOYER)
        .transfer(fx.address(VOTER), OPEN.multiply(BigInteger.valueOf(100_000_000)))
        .send();
    fx.token(VOTER).delegate(fx.address(VOTER)).send();
    // The holder has 1% (below quorum on its own).
    fx.token(DEPLOYER)
        .transfer(fx.address(HOLDER), OPEN.multiply(BigInteger.valueOf(10_000_000)))
        .send();
    fx.token(HOLDER).delegate(fx.address(HOLDER)).send();
    ANVIL.chain().advance(1);
  }

  @BeforeEach
  void takeSnapshot() {
    snapshot = ANVIL.chain().snapshot();
  }

  @AfterEach
  void revertSnapshot() {
    ANVIL.chain().revertTo(snapshot);
  }

  /** One proposal: targets, values, calldatas, description. */
  private record Proposal(List<String> targets, List<byte[]> calldatas, String description) {
    List<BigInteger> values() {
      return targets.stream().map(t -> BigInteger.ZERO).toList();
    }

    byte[] descriptionHash() {
      return Hash.sha3(description.getBytes(StandardCharsets.UTF_8));
    }

    BigInteger propose(OpenGovernor governor) throws Exception {
      governor.propose(targets, values(), calldatas, description).send();
      return governor.hashProposal(targets, values(), calldatas, descriptionHash()).send();
    }
  }

  private static Proposal thresholdProposal(long ppm) {
    return new Proposal(
        List.of(fx.deployment().protocolParams()),
        List.of(
            Numeric.hexStringToByteArray(
                fx.params(DEPLOYER)
                    .setAttributionThreshold(BigInteger.valueOf(ppm))
                    .encodeFunctionCall())),
        "Set the attribution threshold to " + ppm);
  }

  private static BigInteger state(BigInteger id) throws Exception {
    return fx.governor(VOTER).state(id).send();
  }

  @Test
  void aRejectedOrUnderattendedProposalIsDefeated() throws Exception {
    OpenGovernor voter = fx.governor(VOTER);
    BigInteger against = thresholdProposal(20_000).propose(voter);
    BigInteger quiet = thresholdProposal(30_000).propose(voter);
    ANVIL.chain().advance(VOTING_DELAY + 1);
    voter.castVote(against, BigInteger.ZERO).send(); // against
    fx.governor(HOLDER).castVote(quiet, BigInteger.ONE).send(); // for, but 1% < 4% quorum
    ANVIL.chain().advance(VOTING_PERIOD + 1);
    assertThat(state(against)).isEqualTo(BigInteger.valueOf(3)); // Defeated
    assertThat(state(quiet)).isEqualTo(BigInteger.valueOf(3));
    Proposal p = thresholdProposal(20_000);
    assertRevertsWith(
        fx.web3j(),
        fx.address(VOTER),
        voter,
        voter.queue(p.targets(), p.values(), p.calldatas(), p.descriptionHash()),
        "GovernorUnexpectedProposalState(uint256,uint8,bytes32)");
    assertThat(fx.params(DEPLOYER).attributionThresholdPpm().send())
        .isEqualTo(BigInteger.valueOf(10_000));
  }

  @Test
  void votesComeOncePerAccountAndOnlyWhileOpen() throws Exception {
    OpenGovernor voter = fx.governor(VOTER);
    BigInteger id = thresholdProposal(20_000).propose(voter);
    assertRevertsWith(
        fx.web3j(),
        fx.address(VOTER),
        voter,
        voter.castVote(id, BigInteger.ONE),
        "GovernorUnexpectedProposalState(uint256,uint8,bytes32)");
    ANVIL.chain().advance(VOTING_DELAY + 1);
    voter.castVote(id, BigInteger.ONE).send();
    assertRevertsWith(
        fx.web3j(),
        fx.address(VOTER),
        voter,
        voter.castVote(id, BigInteger.ONE),
        "GovernorAlreadyCastVote(address)");
  }

  @Test
  void theProposerCancelsAPendingProposal() throws Exception {
    OpenGovernor voter = fx.governor(VOTER);
    Proposal p = thresholdProposal(20_000);
    BigInteger id = p.propose(voter);
    OpenGovernor stranger = fx.governor(HOLDER);
    assertRevertsWith(
        fx.web3j(),
        fx.address(HOLDER),
        stranger,
        stranger.cancel(p.targets(), p.values(), p.calldatas(), p.descriptionHash()),
        "GovernorUnableToCancel(uint256,address)");
    voter.cancel(p.targets(), p.values(), p.calldatas(), p.descriptionHash()).send();
    assertThat(state(id)).isEqualTo(BigInteger.TWO); // Canceled
  }

  /** L-3: quorum reached in the last minutes extends the vote by the late-quorum extension. */
  @Test
  void aLateQuorumExtendsTheVote() throws Exception {
    OpenGovernor voter = fx.governor(VOTER);
    BigInteger id = thresholdProposal(20_000).propose(voter);
    BigInteger deadline = voter.proposalDeadline(id).send();
    ANVIL.chain().advance(VOTING_DELAY + VOTING_PERIOD - 30);
    voter.castVote(id, BigInteger.ONE).send();
    BigInteger extended = voter.proposalDeadline(id).send();
    assertThat(extended.subtract(deadline).longValueExact()).isGreaterThan(3_000);
    ANVIL.chain().advance(60);
    assertThat(state(id)).isEqualTo(BigInteger.ONE); // still Active
  }

  @Test
  void votesAreDelegatedAndSpendingApprovedBySignature() throws Exception {
    Credentials holder = fx.account(HOLDER).credentials();
    String delegatee = fx.address(NEW_SETTLER);
    Eip712Domain domain =
        new Eip712Domain("Open", "1", ANVIL.chain().chainId(), fx.deployment().openToken());
    long expiry = now() + 600;
    BigInteger nonce = fx.token(HOLDER).nonces(holder.getAddress()).send();
    byte[] delegation =
        Hash.sha3(
            concat(
                Hash.sha3(
                    "Delegation(address delegatee,uint256 nonce,uint256 expiry)"
                        .getBytes(StandardCharsets.UTF_8)),
                word(Numeric.toBigInt(delegatee)),
                word(nonce),
                word(BigInteger.valueOf(expiry))));
    Sign.SignatureData sig =
        Sign.signMessage(domain.digest(delegation), holder.getEcKeyPair(), false);
    // Anyone relays it.
    fx.token(VOTER)
        .delegateBySig(
            delegatee,
            nonce,
            BigInteger.valueOf(expiry),
            BigInteger.valueOf(sig.getV()[0]),
            sig.getR(),
            sig.getS())
        .send();
    assertThat(fx.token(VOTER).delegates(holder.getAddress()).send())
        .isEqualToIgnoringCase(delegatee);
    // The same signature again: the nonce moved on.
    assertRevertsWith(
        fx.web3j(),
        fx.address(VOTER),
        fx.token(VOTER),
        fx.token(VOTER)
            .delegateBySig(
                delegatee,
                nonce,
                BigInteger.valueOf(expiry),
                BigInteger.valueOf(sig.getV()[0]),
                sig.getR(),
                sig.getS()),
        "InvalidAccountNonce(address,uint256)");

    BigInteger value = OPEN.multiply(BigInteger.valueOf(5));
    BigInteger permitNonce = fx.token(HOLDER).nonces(holder.getAddress()).send();
    byte[] permit =
        Hash.sha3(
            concat(
                Hash.sha3(
                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                        .getBytes(StandardCharsets.UTF_8)),
                word(Numeric.toBigInt(holder.getAddress())),
                word(Numeric.toBigInt(fx.address(VOTER))),
                word(value),
                word(permitNonce),
                word(BigInteger.valueOf(expiry))));
    Sign.SignatureData p = Sign.signMessage(domain.digest(permit), holder.getEcKeyPair(), false);
    fx.token(VOTER)
        .permit(
            holder.getAddress(),
            fx.address(VOTER),
            value,
            BigInteger.valueOf(expiry),
            BigInteger.valueOf(p.getV()[0]),
            p.getR(),
            p.getS())
        .send();
    assertThat(fx.token(VOTER).allowance(holder.getAddress(), fx.address(VOTER)).send())
        .isEqualTo(value);
    fx.token(VOTER).transferFrom(holder.getAddress(), fx.address(VOTER), value).send();
    // A permit past its deadline is refused.
    assertRevertsWith(
        fx.web3j(),
        fx.address(VOTER),
        fx.token(VOTER),
        fx.token(VOTER)
            .permit(
                holder.getAddress(),
                fx.address(VOTER),
                value,
                BigInteger.valueOf(now() - 1),
                BigInteger.valueOf(p.getV()[0]),
                p.getR(),
                p.getS()),
        "ERC2612ExpiredSignature(uint256)");
  }

  /** H-2: the settler is rotated by one proposal; the old key can post nothing afterwards. */
  @Test
  void governanceRotatesTheSettler() throws Exception {
    RewardDistributor d = fx.distributor(DEPLOYER);
    byte[] role = d.SETTLER_ROLE().send();
    String distributor = fx.deployment().rewardDistributor();
    Proposal p =
        new Proposal(
            List.of(distributor, distributor),
            List.of(
                Numeric.hexStringToByteArray(
                    d.grantRole(role, fx.address(NEW_SETTLER)).encodeFunctionCall()),
                Numeric.hexStringToByteArray(
                    d.revokeRole(role, fx.address(SETTLER)).encodeFunctionCall())),
            "Rotate the settler key");
    OpenGovernor voter = fx.governor(VOTER);
    BigInteger id = p.propose(voter);
    ANVIL.chain().advance(VOTING_DELAY + 1);
    voter.castVote(id, BigInteger.ONE).send();
    ANVIL.chain().advance(VOTING_PERIOD + 1);
    voter.queue(p.targets(), p.values(), p.calldatas(), p.descriptionHash()).send();
    ANVIL.chain().advance(TIMELOCK_DELAY + 1);
    voter
        .execute(p.targets(), p.values(), p.calldatas(), p.descriptionHash(), BigInteger.ZERO)
        .send();
    assertThat(d.hasRole(role, fx.address(NEW_SETTLER)).send()).isTrue();
    assertThat(d.hasRole(role, fx.address(SETTLER)).send()).isFalse();
  }

  private static long now() throws Exception {
    return fx.web3j()
        .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  private static byte[] word(BigInteger v) {
    return Numeric.toBytesPadded(v, 32);
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[Arrays.stream(parts).mapToInt(b -> b.length).sum()];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
