package io.payable.attribution.match;

/**
 * Which shard group holds a shard, and the key that orders shards across groups (Datanet, then
 * sequence), which fixes the order documents are credited in.
 */
public final class ShardKeys {

  private ShardKeys() {}

  public static int groupOf(String shardId, int groups) {
    return Math.floorMod(shardId.hashCode(), groups);
  }

  public static String orderKey(String datanetId, long sequence) {
    return datanetId + "/" + String.format("%019d", sequence);
  }
}
