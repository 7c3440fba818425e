package io.payable.cli.datanet;

import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** Datanet ids on the command line: a 0x-hex bytes32, or a name hashed with keccak-256. */
final class DatanetIds {

  private DatanetIds() {}

  static byte[] parse(String idOrName) {
    if (idOrName.matches("0x[0-9a-fA-F]{64}")) {
      return Numeric.hexStringToByteArray(idOrName);
    }
    return Hash.sha3(idOrName.getBytes(StandardCharsets.UTF_8));
  }
}
