package io.payable.settlement;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by account: sums the account's credits per epoch and, when an epoch closes (event-time
 * timer at {@link SettlementSchedule#closeTime}), adds the epoch's sum to the account's cumulative
 * total and emits it. Credits of an epoch that already closed go to the first open epoch and are
 * counted as late. The cumulative total only grows.
 *
 * <p>State per account: the cumulative total, the newest closed epoch, and one {@code [amount,
 * credits, late]} entry per open epoch (usually one or two).
 */
public final class EpochAccumulator
    extends KeyedProcessFunction<String, AccountCredit, AccountEpochTotal> {

  private static final long serialVersionUID = 1L;

  private final SettlementSchedule schedule;

  private transient ValueState<BigInteger> cumulative;
  private transient ValueState<Long> lastClosed;
  private transient MapState<Long, OpenEpoch> open;
  private transient Counter lateCounter;
  private transient Counter creditCounter;

  public EpochAccumulator(SettlementSchedule schedule) {
    this.schedule = schedule;
  }

  /** What an account has collected so far in one open epoch. */
  public record OpenEpoch(BigInteger amountWei, int credits, int lateCredits) {}

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext context) {
    cumulative =
        getRuntimeContext().getState(new ValueStateDescriptor<>("cumulative", Types.BIG_INT));
    lastClosed =
        getRuntimeContext().getState(new ValueStateDescriptor<>("last-closed", Types.LONG));
    open =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("open-epochs", Types.LONG, Types.POJO(OpenEpoch.class)));
    var metrics = getRuntimeContext().getMetricGroup().addGroup("payable").addGroup("settlement");
    lateCounter = metrics.counter("lateCredits");
    creditCounter = metrics.counter("credits");
  }

  @Override
  public void processElement(AccountCredit credit, Context ctx, Collector<AccountEpochTotal> out)
      throws Exception {
    Long closed = lastClosed.value();
    long epoch =
        schedule.creditedEpoch(
            credit.epoch(),
            ctx.timerService().currentWatermark(),
            closed == null ? Long.MIN_VALUE : closed);
    boolean late = epoch != credit.epoch();
    OpenEpoch current = open.get(epoch);
    if (current == null) {
      current = new OpenEpoch(BigInteger.ZERO, 0, 0);
      ctx.timerService().registerEventTimeTimer(schedule.closeTime(epoch));
    }
    open.put(
        epoch,
        new OpenEpoch(
            current.amountWei().add(credit.amountWei()),
            current.credits() + 1,
            current.lateCredits() + (late ? 1 : 0)));
    creditCounter.inc();
    if (late) {
      lateCounter.inc();
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AccountEpochTotal> out)
      throws Exception {
    List<Long> due = new ArrayList<>();
    for (Map.Entry<Long, OpenEpoch> e : open.entries()) {
      if (schedule.closeTime(e.getKey()) <= timestamp) {
        due.add(e.getKey());
      }
    }
    due.sort(null);
    BigInteger total = cumulative.value() == null ? BigInteger.ZERO : cumulative.value();
    for (long epoch : due) {
      OpenEpoch e = open.get(epoch);
      total = total.add(e.amountWei());
      out.collect(
          new AccountEpochTotal(
              epoch, ctx.getCurrentKey(), e.amountWei(), total, e.credits(), e.lateCredits()));
      open.remove(epoch);
      lastClosed.update(epoch);
    }
    cumulative.update(total);
  }
}
