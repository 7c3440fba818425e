package io.payable.contracts.client;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.web3j.crypto.Hash;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

/**
 * Datanet ids as DatanetRegistry derives them: {@code keccak256(abi.encode(creator, salt))}, so an
 * id belongs to the account that creates it and cannot be taken by anyone else. A Datanet named by
 * a text uses the keccak-256 of the name's UTF-8 bytes as its salt.
 */
public final class DatanetIds {

  private DatanetIds() {}

  /** The salt of a named Datanet: keccak-256 of the name's UTF-8 bytes. */
  public static byte[] saltOf(String name) {
    Objects.requireNonNull(name, "name");
    return Hash.sha3(name.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code keccak256(abi.encode(creator, salt))}, as {@code DatanetRegistry.datanetIdOf}. */
  public static byte[] of(String creator, byte[] salt) {
    Objects.requireNonNull(creator, "creator");
    Objects.requireNonNull(salt, "salt");
    if (!creator.startsWith("0x") || !WalletUtils.isValidAddress(creator)) {
      throw new IllegalArgumentException("not a 0x-prefixed 20-byte address: " + creator);
    }
    if (salt.length != 32) {
      throw new IllegalArgumentException("a salt has 32 bytes, not " + salt.length);
    }
    byte[] encoded = new byte[64];
    byte[] address = Numeric.hexStringToByteArray(creator);
    System.arraycopy(address, 0, encoded, 32 - address.length, address.length);
    System.arraycopy(salt, 0, encoded, 32, 32);
    return Hash.sha3(encoded);
  }

  /** The id of the Datanet {@code creator} creates under {@code name}. */
  public static byte[] ofName(String creator, String name) {
    return of(creator, saltOf(name));
  }
}
