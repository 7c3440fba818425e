package io.payable.contracts.eip712;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.web3j.crypto.Hash;
import org.web3j.crypto.WalletUtils;

/**
 * A consumer's spending authorisation: {@code Voucher(address consumer, uint256 cumulativeAmount,
 * uint64 expiry)}, signed in the ConsumerEscrow's EIP-712 domain. {@code cumulativeAmount} is the
 * total OPEN wei the consumer agrees to pay since its first deposit; vouchers only ever rise.
 *
 * @param consumer the paying address, lower-case 0x hex
 * @param cumulativeAmount total authorised spend in wei
 * @param expiry unix seconds after which no worker serves against this voucher
 */
public record Voucher(String consumer, BigInteger cumulativeAmount, long expiry) {

  /** keccak256 of the EIP-712 type string. */
  public static final byte[] TYPE_HASH =
      Hash.sha3(
          "Voucher(address consumer,uint256 cumulativeAmount,uint64 expiry)"
              .getBytes(StandardCharsets.UTF_8));

  public Voucher {
    if (consumer == null || !WalletUtils.isValidAddress(consumer)) {
      throw new IllegalArgumentException("bad consumer address: " + consumer);
    }
    consumer = consumer.toLowerCase(Locale.ROOT);
    Objects.requireNonNull(cumulativeAmount, "cumulativeAmount");
    if (cumulativeAmount.signum() < 0 || cumulativeAmount.bitLength() > 256) {
      throw new IllegalArgumentException("cumulativeAmount is not a uint256: " + cumulativeAmount);
    }
    if (expiry < 0) {
      throw new IllegalArgumentException("expiry must not be negative: " + expiry);
    }
  }

  /** keccak256(abi.encode(TYPE_HASH, consumer, cumulativeAmount, expiry)). */
  public byte[] structHash() {
    return Hash.sha3(
        Abi.words(
            TYPE_HASH,
            Abi.address(consumer),
            Abi.uint(cumulativeAmount),
            Abi.uint(BigInteger.valueOf(expiry))));
  }
}
