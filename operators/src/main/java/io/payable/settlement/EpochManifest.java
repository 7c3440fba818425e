package io.payable.settlement;

import io.payable.contracts.merkle.RewardLeaf;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The manifest hash posted with an epoch's root: keccak256 of the UTF-8 text
 *
 * <pre>
 * payable-epoch-manifest/1
 * epoch &lt;epoch&gt;
 * &lt;account&gt; &lt;cumulative wei&gt;     (one line per leaf, lower-case accounts in ascending order)
 * </pre>
 *
 * Anyone holding the {@code epoch_rewards} rows of the epoch recomputes it ({@code payable settle
 * verify}).
 */
public final class EpochManifest {

  public static final String HEADER = "payable-epoch-manifest/1";

  private EpochManifest() {}

  public static String text(long epoch, List<RewardLeaf> leaves) {
    StringBuilder out = new StringBuilder(64 + leaves.size() * 64);
    out.append(HEADER).append('\n').append("epoch ").append(epoch).append('\n');
    leaves.stream()
        .map(l -> l.account().toLowerCase(Locale.ROOT) + " " + l.cumulative())
        .sorted(Comparator.naturalOrder())
        .forEach(line -> out.append(line).append('\n'));
    return out.toString();
  }

  /** 0x-hex keccak256 of {@link #text}. */
  public static String hash(long epoch, List<RewardLeaf> leaves) {
    return Numeric.toHexString(Hash.sha3(text(epoch, leaves).getBytes(StandardCharsets.UTF_8)));
  }
}
