package io.payable.contracts.eip712;

import java.math.BigInteger;
import org.web3j.utils.Numeric;

/** The few static ABI encodings EIP-712 struct hashing needs: 32-byte words. */
final class Abi {

  private Abi() {}

  static byte[] words(byte[]... words) {
    byte[] out = new byte[32 * words.length];
    for (int i = 0; i < words.length; i++) {
      if (words[i].length != 32) {
        throw new IllegalArgumentException("word " + i + " is " + words[i].length + " bytes");
      }
      System.arraycopy(words[i], 0, out, 32 * i, 32);
    }
    return out;
  }

  static byte[] uint(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    return Numeric.toBytesPadded(value, 32);
  }

  static byte[] address(String address) {
    return Numeric.toBytesPadded(Numeric.toBigInt(address), 32);
  }
}
