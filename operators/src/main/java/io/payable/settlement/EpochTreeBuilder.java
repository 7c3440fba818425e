package io.payable.settlement;

import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
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
 * Epoch totals, cumulative totals and the epoch tree, in one keyed instance (keyed by a constant,
 * parallelism 1): a root needs every account's leaf, so one place holds them all.
 *
 * <p>Keyed state: per account its cumulative total over closed epochs (never decreasing), per open
 * epoch and account the credits collected so far, and the last settled epoch. A credit goes to its
 * record's epoch while that epoch is open, else to the first open epoch, flagged late ({@link
 * SettlementSchedule#creditedEpoch}). When the watermark passes an epoch's close time (event-time
 * timer) the epoch's credits are added to the cumulative totals and the StandardMerkleTree over all
 * {@code (distributor, account, cumulative)} leaves is built (bound to the RewardDistributor the
 * roots are posted to); the operator emits the {@link EpochRoot} and, on {@link #ROWS}, one {@link
 * EpochRewardRow} with its proof per account. Roots come out in strictly increasing epochs.
 *
 * <p>Why not a first stage keyed by account: its totals would reach this operator from timers of
 * several subtasks, and when sources go idle Flink may advance this operator's watermark past an
 * epoch before an idle subtask has emitted its totals for it. Reading the credits directly, each
 * credit precedes on its channel every watermark that could close its epoch.
 */
public final class EpochTreeBuilder
    extends KeyedProcessFunction<Integer, AccountCredit, EpochRoot> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EpochTreeBuilder.class);

  /** Per-account rows of each settled epoch. */
  public static final OutputTag<EpochRewardRow> ROWS =
      new OutputTag<>("epoch-reward-rows", Types.POJO(EpochRewardRow.class)) {};

  private final SettlementSchedule schedule;
  private final String distributor;

  private transient MapState<String, BigInteger> cumulative;
  private transient MapState<String, AccountEpochTotal> open;
  private transient ValueState<Long> lastSettled;
  private transient Counter credits;
  private transient Counter lateCredits;
  private transient Counter settledEpochs;

  /**
   * @param distributor address of the RewardDistributor the roots are posted to; every leaf hash
   *     names it
   */
  public EpochTreeBuilder(SettlementSchedule schedule, String distributor) {
    this.schedule = schedule;
    this.distributor = distributor;
    // Fails fast on a malformed address rather than at the first epoch.
    StandardMerkleTree.leafHash(distributor, new RewardLeaf(distributor, BigInteger.ZERO));
  }

  @Override
  public void open(OpenContext context) {
    cumulative =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("cumulative", Types.STRING, Types.BIG_INT));
    open =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "open-epochs", Types.STRING, Types.POJO(AccountEpochTotal.class)));
    lastSettled =
        getRuntimeContext().getState(new ValueStateDescriptor<>("last-settled", Types.LONG));
    var metrics = getRuntimeContext().getMetricGroup().addGroup("payable").addGroup("settlement");
    credits = metrics.counter("credits");
    lateCredits = metrics.counter("lateCredits");
    settledEpochs = metrics.counter("settledEpochs");
  }

  @Override
  public void processElement(AccountCredit credit, Context ctx, Collector<EpochRoot> out)
      throws Exception {
    Long settled = lastSettled.value();
    long epoch =
        schedule.creditedEpoch(
            credit.epoch(),
            ctx.timerService().currentWatermark(),
            settled == null ? Long.MIN_VALUE : settled);
    boolean late = epoch != credit.epoch();
    String key = epoch + "/" + credit.account();
    AccountEpochTotal current = open.get(key);
    if (current == null) {
      current = new AccountEpochTotal(epoch, credit.account(), BigInteger.ZERO, null, 0, 0);
      ctx.timerService().registerEventTimeTimer(schedule.closeTime(epoch));
    }
    open.put(
        key,
        new AccountEpochTotal(
            epoch,
            credit.account(),
            current.epochAmountWei().add(credit.amountWei()),
            null,
            current.credits() + 1,
            current.lateCredits() + (late ? 1 : 0)));
    credits.inc();
    if (late) {
      lateCredits.inc();
      LOG.warn(
          "Reward {} of closed epoch {} credited to epoch {} (late)",
          credit.eventId(),
          credit.epoch(),
          epoch);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EpochRoot> out)
      throws Exception {
    TreeMap<Long, TreeMap<String, AccountEpochTotal>> due = new TreeMap<>();
    List<String> done = new ArrayList<>();
    for (Map.Entry<String, AccountEpochTotal> e : open.entries()) {
      AccountEpochTotal t = e.getValue();
      if (schedule.closeTime(t.epoch()) <= timestamp) {
        due.computeIfAbsent(t.epoch(), x -> new TreeMap<>()).put(t.account(), t);
        done.add(e.getKey());
      }
    }
    for (String key : done) {
      open.remove(key);
    }
    for (Map.Entry<Long, TreeMap<String, AccountEpochTotal>> epoch : due.entrySet()) {
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
      cumulative.put(
          t.account(), (before == null ? BigInteger.ZERO : before).add(t.epochAmountWei()));
    }
    TreeMap<String, BigInteger> all = new TreeMap<>();
    for (Map.Entry<String, BigInteger> e : cumulative.entries()) {
      all.put(e.getKey(), e.getValue());
    }
    List<RewardLeaf> leaves = new ArrayList<>(all.size());
    all.forEach((account, amount) -> leaves.add(new RewardLeaf(account, amount)));
    StandardMerkleTree tree = StandardMerkleTree.of(distributor, leaves);
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
              Numeric.toHexString(StandardMerkleTree.leafHash(distributor, leaf)),
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
}
