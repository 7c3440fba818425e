package io.payable.cli.datanet;

import org.web3j.utils.Numeric;

/**
 * Datanets on the command line. A Datanet's id is {@code keccak256(abi.encode(creator, salt))}
 * (DatanetRegistry); a salt is a 0x-hex bytes32 or a name (its keccak-256), and a Datanet is named
 * either by its 0x id or by its name and creator.
 */
final class DatanetIds {

  private DatanetIds() {}

  static boolean isHex32(String value) {
    return value.matches("0x[0-9a-fA-F]{64}");
  }

  /** The salt {@code datanet create} uses: a 0x-hex bytes32 as is, else keccak-256 of the name. */
  static byte[] salt(String saltOrName) {
    if (isHex32(saltOrName)) {
      return Numeric.hexStringToByteArray(saltOrName);
    }
    return io.payable.contracts.client.DatanetIds.saltOf(saltOrName);
  }

  /**
   * The id of a Datanet given as a 0x id, or as a name created by {@code creator}.
   *
   * @throws IllegalArgumentException for a name without a creator
   */
  static byte[] id(String idOrName, String creator) {
    if (isHex32(idOrName)) {
      return Numeric.hexStringToByteArray(idOrName);
    }
    if (creator == null) {
      throw new IllegalArgumentException(
          "a Datanet name needs --datanet-owner (ids derive from the creator); or give the 0x id"
              + " that `datanet create` printed");
    }
    return io.payable.contracts.client.DatanetIds.ofName(creator, idOrName);
  }
}
