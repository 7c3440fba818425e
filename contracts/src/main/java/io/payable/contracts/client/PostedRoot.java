package io.payable.contracts.client;

/**
 * The outcome of one postRoot transaction, for the settlements table.
 *
 * @param epoch the epoch posted
 * @param root 0x-hex Merkle root
 * @param transactionHash 0x-hex
 * @param blockNumber block that included it
 * @param gasUsed gas of the transaction
 */
public record PostedRoot(
    long epoch, String root, String transactionHash, long blockNumber, long gasUsed) {}
