package io.payable.settlement;

import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * The one place that sees every account (keyed by a constant, parallelism 1): keeps each account's
 * latest cumulative total and, when an epoch closes, builds the StandardMerkleTree over all {@code
 * (account, cumulative)} leaves. Emits the epoch's {@link EpochRoot} and, on {@link #ROWS}, one
 * {@link EpochRewardRow} with its proof per account.
 *
 * <p>Closing follows the same event-time timers as {@link EpochAccumulator}: the accumulators emit
 * an epoch's totals from their timers before the watermark that fired them reaches this operator,
 * so when this operator's timer fires every total of the epoch is here. A total for an epoch that
 * was already settled (possible only after a restore, when the watermark starts over) is credited
 * to the next epoch settled, flagged late. Roots are emitted in strictly increasing epochs.
 */
public final class EpochTreeBuilder
    extends KeyedProcessFunction<Integer, AccountEpochTotal, EpochRoot> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EpochTreeBuilder.class);

  /** Per-account rows of each settled epoch. */
  public static final OutputTag<EpochRewardRow> ROWS =
      new OutputTag<>("epoch-reward-rows", Types.POJO(EpochRewardRow.class)) {};

  private final SettlementSchedule schedule;

  private transient MapState<String, BigInteger> cumulative;
  private transient ListState<AccountEpochTotal> pending;
  private transient ValueState<Long> lastSettled;
  private transient Counter settledEpochs;

  public EpochTreeBuilder(SettlementSchedule schedule) {
    this.schedule = schedule;
  }

  @Override
  public void open(OpenContext context) {
    cumulative =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("cumulative", Types.STRING, Types.BIG_INT));
    pending =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("pending", Types.POJO(AccountEpochTotal.class)));
    lastSettled =
        getRuntimeContext().getState(new ValueStateDescriptor<>("last-settled", Types.LONG));
    settledEpochs =
        getRuntimeContext()
            .getMetricGroup()
            .addGroup("payable")
            .addGroup("settlement")
            .counter("settledEpochs");
  }

  @Override
  public void processElement(AccountEpochTotal total, Context ctx, Collector<EpochRoot> out)
      throws Exception {
    Long settled = lastSettled.value();
    AccountEpochTotal credited = total;
    if (settled != null && total.epoch() <= settled) {
      credited =
          new AccountEpochTotal(
              settled + 1,
              total.account(),
              total.epochAmountWei(),
              total.cumulativeWei(),
              total.credits(),
              total.credits());
      LOG.warn(
          "Totals of account {} for epoch {} arrived after it was settled; credited to epoch {}",
          total.account(),
          total.epoch(),
          credited.epoch());
    }
    pending.add(credited);
    ctx.timerService().registerEventTimeTimer(schedule.closeTime(credited.epoch()));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EpochRoot> out)
      throws Exception {
    TreeMap<Long, Map<String, AccountEpochTotal>> due = new TreeMap<>();
    List<AccountEpochTotal> keep = new ArrayList<>();
    for (AccountEpochTotal t : pending.get()) {
      if (schedule.closeTime(t.epoch()) <= timestamp) {
        due.computeIfAbsent(t.epoch(), e -> new TreeMap<>())
            .merge(t.account(), t, EpochTreeBuilder::merge);
      } else {
        keep.add(t);
      }
    }
    pending.update(keep);
    for (Map.Entry<Long, Map<String, AccountEpochTotal>> epoch : due.entrySet()) {
      settle(epoch.getKey(), epoch.getValue(), ctx, out);
    }
  }

  private void settle(
      long epoch,
      Map<String, AccountEpochTotal> active,
      OnTimerContext ctx,
      Collector<EpochRoot> out)
      throws Exception {
    for (AccountEpochTotal t : active.values()) {
      BigInteger before = cumulative.get(t.account());
      if (before == null || t.cumulativeWei().compareTo(before) > 0) {
        cumulative.put(t.account(), t.cumulativeWei());
      }
    }
    TreeMap<String, BigInteger> all = new TreeMap<>();
    for (Map.Entry<String, BigInteger> e : cumulative.entries()) {
      all.put(e.getKey(), e.getValue());
    }
    List<RewardLeaf> leaves = new ArrayList<>(all.size());
    all.forEach((account, amount) -> leaves.add(new RewardLeaf(account, amount)));
    StandardMerkleTree tree = StandardMerkleTree.of(leaves);
    String root = tree.rootHex();
    BigInteger total = BigInteger.ZERO;
    BigInteger epochTotal = BigInteger.ZERO;
    int late = 0;
    for (int i = 0; i < leaves.size(); i++) {
      RewardLeaf leaf = leaves.get(i);
      AccountEpochTotal t = active.get(leaf.account());
      BigInteger amount = t == null ? BigInteger.ZERO : t.epochAmountWei();
      total = total.add(leaf.cumulative());
      epochTotal = epochTotal.add(amount);
      late += t == null ? 0 : t.lateCredits();
      ctx.output(
          ROWS,
          new EpochRewardRow(
              epoch,
              leaf.account(),
              amount,
              leaf.cumulative(),
              t == null ? 0 : t.credits(),
              t == null ? 0 : t.lateCredits(),
              Numeric.toHexString(StandardMerkleTree.leafHash(leaf)),
              new ArrayList<>(tree.proofHex(i)),
              root));
    }
    lastSettled.update(epoch);
    settledEpochs.inc();
    LOG.info(
        "Settled epoch {}: root {}, {} accounts ({} credited this epoch), total {} wei",
        epoch,
        root,
        leaves.size(),
        active.size(),
        total);
    out.collect(
        new EpochRoot(
            epoch,
            root,
            total,
            epochTotal,
            leaves.size(),
            active.size(),
            late,
            EpochManifest.hash(epoch, leaves)));
  }

  private static AccountEpochTotal merge(AccountEpochTotal a, AccountEpochTotal b) {
    return new AccountEpochTotal(
        a.epoch(),
        a.account(),
        a.epochAmountWei().add(b.epochAmountWei()),
        a.cumulativeWei().max(b.cumulativeWei()),
        a.credits() + b.credits(),
        a.lateCredits() + b.lateCredits());
  }
}
