package io.payable.settlement;

import java.io.Serializable;

/**
 * How an operator reaches RewardDistributor: JSON-RPC URL, chain id, contract address, the block
 * where event scans start, and the source of the SETTLER key ({@code env:VAR} or {@code file:PATH},
 * never the key; null for read-only use).
 */
public record DistributorEndpoint(
    String rpcUrl, long chainId, String distributor, long fromBlock, String keySource)
    implements Serializable {}
