package io.payable.settlement;

import java.io.Serializable;

/**
 * Points in the life of a root (its consumers' redeem, then its post) where tests inject failures
 * (the job must survive a crash at each of them). Production uses {@link #NONE}. A hook throws to
 * simulate a crash.
 */
public interface PostingHook extends Serializable {

  PostingHook NONE = new PostingHook() {};

  /**
   * The funding gate's redeem transaction for {@code epoch} is mined; the root is not released yet.
   */
  default void afterRedeem(long epoch, String transactionHash) {}

  /** The committer is about to send the postRoot transaction of {@code epoch}. */
  default void beforePost(long epoch) {}

  /** The transaction was sent (it may be mined already) and its receipt is not read yet. */
  default void afterSend(long epoch, String transactionHash) {}

  /** The root is on chain (receipt read), its settlements row is not written yet. */
  default void afterPost(long epoch) {}
}
