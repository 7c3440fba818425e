package io.payable.ingest.anchor;

import java.io.Serializable;

/**
 * How an operator reaches the chain: JSON-RPC URL, chain id, DatanetRegistry address, and the
 * source of the signing key ({@code env:VAR} or {@code file:PATH}, never the key).
 */
public record ChainEndpoint(String rpcUrl, long chainId, String datanetRegistry, String keySource)
    implements Serializable {}
