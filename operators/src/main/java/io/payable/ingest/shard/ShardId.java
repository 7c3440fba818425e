package io.payable.ingest.shard;

import java.math.BigInteger;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Names of the {@code sequence}-th shard of a Datanet: the on-chain id, keccak256(abi.encode(
 * datanetId, sequence)), and the directory name in the index store.
 */
public final class ShardId {

  private ShardId() {}

  /** 0x-hex bytes32 id, as anchored in DatanetRegistry. */
  public static String of(String datanetId, long sequence) {
    return Hash.sha3(
        "0x"
            + TypeEncoder.encode(new Bytes32(Numeric.hexStringToByteArray(datanetId)))
            + TypeEncoder.encode(new Uint256(BigInteger.valueOf(sequence))));
  }

  /** Directory of the shard under the Datanet's index directory; sorts by sequence. */
  public static String directoryName(long sequence) {
    return String.format("shard-%010d", sequence);
  }
}
