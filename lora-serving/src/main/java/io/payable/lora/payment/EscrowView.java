package io.payable.lora.payment;

import io.payable.contracts.client.EscrowAccount;

/** Reads a consumer's escrow account (from the chain, or a cache in front of it). */
@FunctionalInterface
public interface EscrowView {

  /**
   * The consumer's state in ConsumerEscrow.
   *
   * @throws Exception when the chain cannot be read
   */
  EscrowAccount account(String consumer) throws Exception;
}
