package io.payable.settlement;

import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.generated.RewardDistributor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Holds settled epoch roots back until RewardDistributor is funded for their total, so the root
 * committer never posts above {@code totalFunded} and nothing is lost while funds are short.
 *
 * <p>With {@link ConsumerFunding}, the gate first redeems the root's consumer charges from
 * ConsumerEscrow in one batch ({@link ConsumerRedeemer}: cumulative amounts, so repeating it after
 * a restart pays nothing), then reads {@code totalFunded}, and on release writes the epoch's {@code
 * consumer_charges} rows. A consumer whose balance or vouchers do not cover its charges is reported
 * (a log line, {@code consumerShortfallWei}, and its row once the root is released) and the root
 * waits; each poll tries the redeem again, so the root is released when the consumer deposits again
 * or the distributor is funded by other means. Nothing unfunded is ever posted. Roots leave in
 * epoch order; a root that waits holds back the later ones (their totals are larger). Funding is
 * re-read every {@code pollIntervalMs} (processing time) while something waits; at the end of a
 * bounded input the operator waits, polling, until it can release everything.
 *
 * <p>Metrics ({@code payable.settlement.*}): {@code epochsAwaitingFunds}, {@code
 * secondsAwaitingFunds} (how long the oldest root has waited), {@code fundingWaits} (roots that had
 * to wait); with consumer funding {@code redeemTransactions}, {@code lastRedeemGasUsed}, {@code
 * consumerShortfalls} (consumers reported short, once per root) and {@code consumerShortfallWei}
 * (what the waiting root's consumers owe and have not paid).
 */
public final class FundingGate extends KeyedProcessFunction<Integer, EpochRoot, EpochRoot> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(FundingGate.class);
  private static final long LOG_EVERY_MS = 60_000;

  private final DistributorEndpoint chain;
  private final long pollIntervalMs;
  private final ConsumerFunding funding;
  private final PostingHook hook;

  private transient ListState<EpochRoot> waiting;
  private transient Web3j web3j;
  private transient RewardsClient reader;
  private transient BigInteger knownFunded;
  private transient volatile int waitingCount;
  private transient volatile long waitingSince;
  private transient long lastLog;
  private transient Counter fundingWaits;
  private transient boolean endOfInputTimer;
  private transient Counter chainUnavailable;
  private transient volatile long unreachableSince;
  private transient long lastUnreachableLog;
  private transient ConsumerRedeemer redeemer;
  private transient volatile long redeemTransactions;
  private transient volatile long lastRedeemGas;
  private transient volatile BigInteger shortfallWei;
  private transient Counter consumerShortfalls;
  private transient long reportedShortfallEpoch;
  private transient long lastShortfallLog;

  /** A gate for a distributor funded externally. */
  public FundingGate(DistributorEndpoint chain, long pollIntervalMs) {
    this(chain, pollIntervalMs, null, PostingHook.NONE);
  }

  /**
   * @param chain the distributor (read-only) and, for consumer funding, where the escrow is
   * @param funding redeems each root's consumer charges first; null when funded externally
   * @param hook test hook ({@link PostingHook#afterRedeem})
   */
  public FundingGate(
      DistributorEndpoint chain, long pollIntervalMs, ConsumerFunding funding, PostingHook hook) {
    this.chain = chain;
    this.pollIntervalMs = pollIntervalMs;
    this.funding = funding;
    this.hook = hook;
  }

  @Override
  public void open(OpenContext context) {
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("waiting", Types.POJO(EpochRoot.class)));
    web3j = Web3j.build(new HttpService(chain.rpcUrl()));
    reader =
        new RewardsClient(
            RewardDistributor.load(
                chain.distributor(),
                web3j,
                new ReadonlyTransactionManager(web3j, chain.distributor()),
                new DefaultGasProvider()));
    knownFunded = BigInteger.ZERO;
    MetricGroup group =
        getRuntimeContext().getMetricGroup().addGroup("payable").addGroup("settlement");
    group.gauge("epochsAwaitingFunds", () -> waitingCount);
    group.gauge(
        "secondsAwaitingFunds",
        () -> waitingCount == 0 ? 0L : (System.currentTimeMillis() - waitingSince) / 1000);
    fundingWaits = group.counter("fundingWaits");
    chainUnavailable = group.counter("chainUnavailable");
    group.gauge("chainUnreachableSinceMs", () -> unreachableSince);
    shortfallWei = BigInteger.ZERO;
    reportedShortfallEpoch = -1;
    if (funding != null) {
      redeemer =
          new ConsumerRedeemer(
              web3j,
              chain.chainId(),
              funding.escrow(),
              funding.token(),
              funding.keySource(),
              chain.fromBlock());
      group.gauge("redeemTransactions", () -> redeemTransactions);
      group.gauge("lastRedeemGasUsed", () -> lastRedeemGas);
      group.gauge("consumerShortfallWei", () -> shortfallWei.doubleValue());
      consumerShortfalls = group.counter("consumerShortfalls");
    }
  }

  @Override
  public void processElement(EpochRoot root, Context ctx, Collector<EpochRoot> out)
      throws Exception {
    if (!endOfInputTimer) {
      // Fires only with the final watermark of a bounded input.
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      endOfInputTimer = true;
    }
    List<EpochRoot> queue = queue();
    queue.add(root);
    if (!release(queue, out) && queue.size() == 1) {
      fundingWaits.inc();
      ctx.timerService()
          .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + pollIntervalMs);
    } else if (!queue.isEmpty()) {
      fundingWaits.inc();
    }
    waiting.update(queue);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EpochRoot> out)
      throws Exception {
    List<EpochRoot> queue = queue();
    if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
      // End of a bounded input: nothing else will come, wait here until everything is funded.
      while (!release(queue, out)) {
        waiting.update(queue);
        Thread.sleep(pollIntervalMs);
      }
    } else if (!release(queue, out)) {
      ctx.timerService()
          .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + pollIntervalMs);
    }
    waiting.update(queue);
  }

  /**
   * Emits the funded prefix of {@code queue} (removing it); true when the queue is empty. While the
   * chain RPC is unreachable nothing is emitted: the roots wait here, in state, so the committer
   * downstream never blocks a checkpoint waiting for the chain.
   */
  private boolean release(List<EpochRoot> queue, Collector<EpochRoot> out) throws Exception {
    queue.sort(Comparator.comparingLong(EpochRoot::epoch));
    if (!queue.isEmpty()) {
      try {
        knownFunded = reader.totalFunded();
        if (unreachableSince != 0) {
          LOG.info(
              "Chain RPC {} reachable again after {} ms; releasing {} root(s)",
              chain.rpcUrl(),
              System.currentTimeMillis() - unreachableSince,
              queue.size());
          unreachableSince = 0;
        }
      } catch (Exception e) {
        if (!RootCommitter.isUnreachable(e)) {
          throw e;
        }
        chainUnavailable.inc();
        long now = System.currentTimeMillis();
        if (unreachableSince == 0) {
          unreachableSince = now;
        }
        if (now - lastUnreachableLog >= LOG_EVERY_MS / 6) {
          lastUnreachableLog = now;
          LOG.warn(
              "Chain RPC {} unreachable ({}) for {} ms; {} epoch root(s) wait, next try in {} ms",
              chain.rpcUrl(),
              e.getMessage(),
              now - unreachableSince,
              queue.size(),
              pollIntervalMs);
        }
        return false;
      }
    }
    while (!queue.isEmpty()) {
      EpochRoot next = queue.get(0);
      List<ConsumerRedeemer.Result> redeemed = List.of();
      if (redeemer != null && !next.consumerCharges().isEmpty()) {
        redeemed = redeem(next);
        if (redeemed == null) {
          return false;
        }
      }
      if (next.totalCumulativeWei().compareTo(knownFunded) > 0) {
        knownFunded = reader.totalFunded();
      }
      if (next.totalCumulativeWei().compareTo(knownFunded) > 0) {
        break;
      }
      if (redeemer != null) {
        recordCharges(next, redeemed);
      }
      out.collect(queue.remove(0));
    }
    if (queue.isEmpty()) {
      if (waitingCount > 0) {
        LOG.info("RewardDistributor is funded ({} wei); released the waiting roots", knownFunded);
      }
      waitingCount = 0;
      return true;
    }
    long now = System.currentTimeMillis();
    if (waitingCount == 0) {
      waitingSince = now;
    }
    waitingCount = queue.size();
    if (now - lastLog >= LOG_EVERY_MS) {
      lastLog = now;
      LOG.warn(
          "{} epoch root(s) wait for funds: epoch {} needs {} wei, RewardDistributor holds {} wei"
              + " (fund it with RewardDistributor.fund)",
          queue.size(),
          queue.get(0).epoch(),
          queue.get(0).totalCumulativeWei(),
          knownFunded);
    }
    return false;
  }

  /**
   * Redeems {@code root}'s consumer charges and reports those who fall short; null when the redeem
   * could not be sent (an unreachable chain, a failed transaction): the root waits for the next
   * poll, the job does not fail.
   */
  private List<ConsumerRedeemer.Result> redeem(EpochRoot root) throws Exception {
    List<ConsumerRedeemer.Result> results;
    try {
      results = redeemer.redeem(root, hook);
    } catch (RootCommitter.InjectedFailure e) {
      throw e;
    } catch (Exception e) {
      if (RootCommitter.isUnreachable(e)) {
        chainUnavailable.inc();
      }
      LOG.warn(
          "Redeeming the consumer payments of epoch {} failed ({}); the root waits, next try in {}"
              + " ms",
          root.epoch(),
          e.toString(),
          pollIntervalMs);
      return null;
    }
    redeemTransactions = redeemer.transactions();
    lastRedeemGas = redeemer.lastGasUsed();
    BigInteger owed = BigInteger.ZERO;
    List<ConsumerRedeemer.Result> short_ = new ArrayList<>();
    for (ConsumerRedeemer.Result r : results) {
      if (r.shortfallWei().signum() > 0) {
        owed = owed.add(r.shortfallWei());
        short_.add(r);
      }
    }
    shortfallWei = owed;
    long now = System.currentTimeMillis();
    if (!short_.isEmpty()
        && (reportedShortfallEpoch != root.epoch() || now - lastShortfallLog >= LOG_EVERY_MS)) {
      if (reportedShortfallEpoch != root.epoch()) {
        consumerShortfalls.inc(short_.size());
      }
      reportedShortfallEpoch = root.epoch();
      lastShortfallLog = now;
      for (ConsumerRedeemer.Result r : short_) {
        LOG.warn(
            "Consumer {} owes {} wei for epoch {} ({}: charged {} wei, redeemed {} wei, balance {}"
                + " wei); the root waits until it deposits or the distributor is funded",
            r.charge().consumer(),
            r.shortfallWei(),
            root.epoch(),
            r.status(),
            r.charge().chargedWei(),
            r.redeemedWei(),
            r.balanceWei());
      }
    }
    return results;
  }

  /** Writes the epoch's consumer_charges rows (once), naming each consumer's redeem transaction. */
  private void recordCharges(EpochRoot root, List<ConsumerRedeemer.Result> results)
      throws Exception {
    if (results.isEmpty() || funding.ledger().has(root.epoch())) {
      return;
    }
    List<ConsumerRedeemer.Result> rows = new ArrayList<>(results.size());
    for (ConsumerRedeemer.Result r : results) {
      String tx = r.txHash();
      if (tx == null && r.shortfallWei().signum() == 0) {
        // Redeemed by an attempt before a restart: find that transaction.
        tx = redeemer.findRedeemTransaction(r.charge().consumer(), r.charge().chargedWei());
      }
      rows.add(new ConsumerRedeemer.Result(r.charge(), r.redeemedWei(), r.balanceWei(), tx));
    }
    funding.ledger().record(root.epoch(), rows);
    shortfallWei = BigInteger.ZERO;
  }

  private List<EpochRoot> queue() throws Exception {
    List<EpochRoot> out = new ArrayList<>();
    for (EpochRoot r : waiting.get()) {
      out.add(r);
    }
    return out;
  }

  @Override
  public void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}
