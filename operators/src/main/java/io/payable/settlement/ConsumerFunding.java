package io.payable.settlement;

import java.io.Serializable;
import java.util.Objects;

/**
 * How the funding gate redeems consumer payments: the ConsumerEscrow and the OPEN token it pays in,
 * the SETTLER key source ({@code env:VAR} or {@code file:PATH}, never the key), and the ledger of
 * the {@code consumer_charges} table.
 */
public record ConsumerFunding(
    String escrow, String token, String keySource, ConsumerChargeLedger ledger)
    implements Serializable {

  public ConsumerFunding {
    Objects.requireNonNull(escrow, "escrow");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(keySource, "keySource");
    Objects.requireNonNull(ledger, "ledger");
  }
}
