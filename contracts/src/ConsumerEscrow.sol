// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IConsumerEscrow} from "./interfaces/IConsumerEscrow.sol";
import {RewardDistributor} from "./RewardDistributor.sol";

/// @title Consumer escrow: the OPEN that pays for inference
/// @notice Consumers deposit OPEN here and authorise spending off-chain with EIP-712 vouchers
/// `Voucher(consumer, cumulativeAmount, expiry)`: one unidirectional payment channel per consumer,
/// each voucher naming the total the consumer agrees to pay since its first deposit. Workers
/// serve a request only against a voucher that covers it; the settlement job (SETTLER) later
/// redeems, in one transaction for many consumers, the fees actually charged, never more than
/// the consumer signed. Redeemed OPEN funds the RewardDistributor, which pays contributors.
///
/// A withdrawal takes two steps: `requestWithdrawal` announces it and `withdraw` pays it after
/// `withdrawalDelay`, so the settler can redeem what the consumer already authorised first. The
/// domain (name "Payable Consumer Escrow", version "1", chain id, this contract) keeps a voucher
/// from being redeemed on another chain or at another escrow; cumulative amounts make a repeat
/// redemption of the same voucher pay nothing.
/// @dev Modelled on unidirectional payment channels (Raiden's and Filecoin's cumulative vouchers)
/// with one channel per consumer and the settler as the only payee. Only EOAs sign vouchers
/// (ECDSA, low-s, v of 27 or 28, as OpenZeppelin's `ECDSA.tryRecover` requires).
contract ConsumerEscrow is IConsumerEscrow, AccessControl, EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    bytes32 public constant VOUCHER_TYPEHASH =
        keccak256("Voucher(address consumer,uint256 cumulativeAmount,uint64 expiry)");
    /// @notice Longest withdrawal delay governance may set.
    uint64 public constant MAX_WITHDRAWAL_DELAY = 30 days;

    // Balance and redeemed total share one slot: a redemption reads and writes one slot.
    struct State {
        uint128 balance;
        uint128 redeemed;
        uint128 withdrawalAmount;
        uint64 withdrawableAt;
    }

    IERC20 public immutable token;
    RewardDistributor public immutable distributor;
    /// @notice Seconds between `requestWithdrawal` and the earliest `withdraw`.
    uint64 public withdrawalDelay;

    mapping(address consumer => State) private _states;

    /// @dev Requirements: no zero address; `settler` is not `admin`;
    /// 0 < `withdrawalDelay_` <= {MAX_WITHDRAWAL_DELAY}.
    constructor(IERC20 token_, RewardDistributor distributor_, address admin, address settler, uint64 withdrawalDelay_)
        EIP712("Payable Consumer Escrow", "1")
    {
        if (
            address(token_) == address(0) || address(distributor_) == address(0) || admin == address(0)
                || settler == address(0)
        ) revert ConsumerEscrowZeroAddress();
        token = token_;
        distributor = distributor_;
        _setWithdrawalDelay(withdrawalDelay_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLER_ROLE, settler);
    }

    /// @notice Adds `amount` OPEN (approved by the caller) to the caller's escrow.
    /// @dev Requirements: `amount` > 0; allowance. Emits {Deposited}.
    function deposit(uint256 amount) external nonReentrant {
        _deposit(amount);
    }

    /// @notice Deposits `amount` OPEN with an ERC-2612 permit instead of a prior approval.
    /// @dev Requirements: `amount` > 0; a valid permit of the caller for this contract and at least
    /// `amount`, or an allowance already in place (a permit front-run by someone else is ignored,
    /// as OpenZeppelin advises, and the allowance it set is used). Emits {Deposited}.
    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _deposit(amount);
    }

    /// @notice Announces the withdrawal of `amount`; it can be withdrawn after `withdrawalDelay`.
    /// A new request replaces the previous one and restarts the delay.
    /// @dev Requirements: 0 < `amount` <= balance. Emits {WithdrawalRequested}.
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) revert ConsumerEscrowZeroAmount();
        State storage st = _states[msg.sender];
        if (amount > st.balance) revert ConsumerEscrowInsufficientBalance(st.balance, amount);
        uint64 unlockAt = uint64(block.timestamp) + withdrawalDelay;
        st.withdrawalAmount = uint128(amount);
        st.withdrawableAt = unlockAt;
        emit WithdrawalRequested(msg.sender, amount, unlockAt);
    }

    /// @notice Pays the requested withdrawal, or what is left of the balance if redemptions took
    /// part of it during the delay.
    /// @dev Requirements: a requested withdrawal whose delay is over. Emits {Withdrawn}.
    function withdraw() external nonReentrant {
        State storage st = _states[msg.sender];
        uint256 requested = st.withdrawalAmount;
        if (requested == 0) revert ConsumerEscrowNoWithdrawal();
        if (block.timestamp < st.withdrawableAt) revert ConsumerEscrowWithdrawalNotReady(st.withdrawableAt);
        uint256 amount = requested < st.balance ? requested : st.balance;
        st.withdrawalAmount = 0;
        st.withdrawableAt = 0;
        st.balance -= uint128(amount);
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(msg.sender, amount, st.balance);
    }

    /// @notice Redeems, for every entry, `charged - redeemed(consumer)` from the consumer's
    /// balance and funds the RewardDistributor with the sum. Returns the sum.
    /// @dev An entry whose `charged` is at most what was redeemed before pays nothing (a repeat of
    /// the same batch is harmless). An entry whose consumer's balance is short of what it owes pays
    /// nothing and emits {RedemptionShortfall}: the consumer withdrew authorised spend; the rest of
    /// the batch still pays.
    /// Requirements: caller has SETTLER_ROLE; every voucher is signed by its consumer in this
    /// contract's domain; `charged` <= the voucher's `cumulativeAmount`.
    /// Emits {Redeemed} per paying entry, {RedemptionShortfall} per short one, and the
    /// distributor's {Funded} once when the sum is not zero.
    function redeem(Redemption[] calldata batch) external onlyRole(SETTLER_ROLE) nonReentrant returns (uint256 total) {
        for (uint256 i = 0; i < batch.length; ++i) {
            Redemption calldata r = batch[i];
            address consumer = r.voucher.consumer;
            if (r.charged > r.voucher.cumulativeAmount) {
                revert ConsumerEscrowAboveVoucher(consumer, r.charged, r.voucher.cumulativeAmount);
            }
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(_voucherDigest(r.voucher), r.signature);
            if (err != ECDSA.RecoverError.NoError || signer != consumer) {
                revert ConsumerEscrowInvalidSignature(consumer);
            }
            State storage st = _states[consumer];
            uint256 redeemedBefore = st.redeemed;
            if (r.charged <= redeemedBefore) continue;
            uint256 amount = r.charged - redeemedBefore;
            uint256 balance = st.balance;
            if (amount > balance) {
                emit RedemptionShortfall(consumer, amount, balance);
                continue;
            }
            st.balance = uint128(balance - amount);
            st.redeemed = r.charged.toUint128();
            total += amount;
            emit Redeemed(consumer, amount, r.charged);
        }
        if (total > 0) {
            token.forceApprove(address(distributor), total);
            distributor.fund(total);
        }
    }

    /// @notice Sets the withdrawal delay; requests already made keep their time.
    /// @dev Requirements: caller has DEFAULT_ADMIN_ROLE; 0 < `seconds_` <= {MAX_WITHDRAWAL_DELAY}.
    /// Emits {WithdrawalDelayChanged}.
    function setWithdrawalDelay(uint64 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setWithdrawalDelay(seconds_);
    }

    /// @notice Balance, cumulative redeemed amount and pending withdrawal of `consumer`.
    function accountOf(address consumer) external view returns (Account memory) {
        State memory st = _states[consumer];
        return Account(st.balance, st.redeemed, st.withdrawalAmount, st.withdrawableAt);
    }

    /// @notice OPEN of `consumer` held here.
    function balanceOf(address consumer) external view returns (uint256) {
        return _states[consumer].balance;
    }

    /// @notice OPEN of `consumer` redeemed since its first deposit.
    function redeemed(address consumer) external view returns (uint256) {
        return _states[consumer].redeemed;
    }

    /// @notice What stays here when the pending withdrawal is paid: what a worker may still rely on.
    function available(address consumer) external view returns (uint256) {
        State memory st = _states[consumer];
        return st.withdrawalAmount >= st.balance ? 0 : st.balance - st.withdrawalAmount;
    }

    /// @notice The EIP-712 digest a consumer signs for `voucher`.
    function voucherDigest(Voucher calldata voucher) external view returns (bytes32) {
        return _voucherDigest(voucher);
    }

    /// @notice The EIP-712 domain separator of vouchers.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev The settler is never the admin, so the job's key cannot change roles or the delay.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        bool conflict;
        if (role == SETTLER_ROLE) {
            conflict = hasRole(DEFAULT_ADMIN_ROLE, account);
        } else if (role == DEFAULT_ADMIN_ROLE) {
            conflict = hasRole(SETTLER_ROLE, account);
        }
        if (conflict) revert ConsumerEscrowRoleConflict(account);
        return super._grantRole(role, account);
    }

    function _deposit(uint256 amount) private {
        if (amount == 0) revert ConsumerEscrowZeroAmount();
        State storage st = _states[msg.sender];
        uint256 balance = uint256(st.balance) + amount;
        st.balance = balance.toUint128();
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(msg.sender, amount, balance);
    }

    function _setWithdrawalDelay(uint64 seconds_) private {
        if (seconds_ == 0 || seconds_ > MAX_WITHDRAWAL_DELAY) {
            revert ConsumerEscrowInvalidDelay(seconds_, MAX_WITHDRAWAL_DELAY);
        }
        withdrawalDelay = seconds_;
        emit WithdrawalDelayChanged(seconds_);
    }

    function _voucherDigest(Voucher calldata voucher) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(VOUCHER_TYPEHASH, voucher.consumer, voucher.cumulativeAmount, voucher.expiry))
        );
    }
}
