package io.payable.settlement;

import io.payable.attribution.reward.AttributedReward;
import io.payable.attribution.split.Payout;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Wei owed to one account from one payout of an attributed reward.
 *
 * @param account lower-case 0x address
 * @param epoch the reward's epoch (as the attribution job computed it)
 * @param amountWei the payout
 * @param eventTime the reward's event time, epoch milliseconds (drives the watermark)
 * @param eventId the inference event, for logs
 */
public record AccountCredit(
    String account, long epoch, BigInteger amountWei, long eventTime, String eventId) {

  /** One credit per non-zero payout of {@code reward}. */
  public static List<AccountCredit> of(AttributedReward reward) {
    List<AccountCredit> out = new ArrayList<>(reward.payouts().size());
    for (Payout p : reward.payouts()) {
      if (p.amount().signum() > 0) {
        out.add(
            new AccountCredit(
                p.recipient().toLowerCase(Locale.ROOT),
                reward.epoch(),
                p.amount(),
                reward.eventTime(),
                reward.eventId()));
      }
    }
    return out;
  }
}
