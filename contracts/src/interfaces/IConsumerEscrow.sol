// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Types, events and errors of ConsumerEscrow
/// @notice Shared by the escrow and by whatever reads its logs or decodes its reverts.
interface IConsumerEscrow {
    /// @notice What a consumer signs (EIP-712 type
    /// `Voucher(address consumer,uint256 cumulativeAmount,uint64 expiry)`): it authorises the
    /// protocol to take, in total since the consumer's first deposit, at most `cumulativeAmount`
    /// OPEN wei. Each new voucher raises the amount; redeeming an older one pays nothing more.
    /// `expiry` (unix seconds) is the last moment a worker may serve against it; redemption of
    /// what was served before does not depend on it.
    struct Voucher {
        address consumer;
        uint256 cumulativeAmount;
        uint64 expiry;
    }

    /// @notice One consumer's part of a batch redeem: its latest voucher and signature, and the
    /// cumulative amount actually charged to it (the settler never takes more than charged, and
    /// never more than signed).
    struct Redemption {
        Voucher voucher;
        bytes signature;
        uint256 charged;
    }

    /// @notice A consumer's escrow: what it holds, what was redeemed since the first deposit,
    /// and a pending withdrawal.
    struct Account {
        uint256 balance;
        uint256 redeemed;
        uint256 withdrawalAmount;
        uint64 withdrawableAt;
    }

    event Deposited(address indexed consumer, uint256 amount, uint256 balance);
    event WithdrawalRequested(address indexed consumer, uint256 amount, uint64 withdrawableAt);
    event Withdrawn(address indexed consumer, uint256 amount, uint256 balance);
    /// @notice `amount` OPEN of `consumer` moved to the reward distributor; `redeemed` is its new
    /// cumulative total.
    event Redeemed(address indexed consumer, uint256 amount, uint256 redeemed);
    /// @notice `consumer`'s balance did not cover `amount`: nothing was taken from it (the rest of
    /// the batch is redeemed).
    event RedemptionShortfall(address indexed consumer, uint256 amount, uint256 balance);
    event WithdrawalDelayChanged(uint64 seconds_);

    error ConsumerEscrowZeroAddress();
    error ConsumerEscrowZeroAmount();
    error ConsumerEscrowRoleConflict(address account);
    error ConsumerEscrowInsufficientBalance(uint256 balance, uint256 amount);
    error ConsumerEscrowNoWithdrawal();
    error ConsumerEscrowWithdrawalNotReady(uint64 withdrawableAt);
    error ConsumerEscrowInvalidDelay(uint64 seconds_, uint64 max);
    error ConsumerEscrowInvalidSignature(address consumer);
    error ConsumerEscrowAboveVoucher(address consumer, uint256 charged, uint256 cumulativeAmount);
}
