package io.payable.settlement;

import io.payable.contracts.client.Redemption;
import io.payable.contracts.eip712.Eip712Domain;
import io.payable.contracts.eip712.Voucher;
import io.payable.contracts.eip712.VoucherSignatures;
import io.payable.contracts.merkle.RewardLeaf;
import io.payable.contracts.merkle.StandardMerkleTree;
import io.payable.wire.inference.InferenceEvent;
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
 *
 * <p>With a ConsumerEscrow configured, each paid reward also charges its fee to its consumer in the
 * epoch that credits it (late ones included), per open epoch and consumer; closing an epoch runs
 * the consumers charged in it through a {@link ConsumerChargeBook} loaded from keyed state (their
 * cumulative charges and highest valid voucher) and puts one {@link EpochConsumerCharge} per
 * consumer on the root: the redemptions of a root fund exactly what the root adds. A voucher whose
 * signature does not verify in the escrow's domain is not used (the attribution job refuses such
 * events when it checks signatures; this guards a batch redeem from reverting).
 */
public final class EpochTreeBuilder extends KeyedProcessFunction<Integer, RewardRecord, EpochRoot> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EpochTreeBuilder.class);

  /** Per-account rows of each settled epoch. */
  public static final OutputTag<EpochRewardRow> ROWS =
      new OutputTag<>("epoch-reward-rows", Types.POJO(EpochRewardRow.class)) {};

  private final SettlementSchedule schedule;
  private final String distributor;
  private final String consumerEscrow;
  private final long chainId;

  private transient MapState<String, BigInteger> cumulative;
  private transient MapState<String, AccountEpochTotal> open;
  private transient ValueState<Long> lastSettled;
  private transient MapState<String, ConsumerEpochTotal> openCharges;
  private transient MapState<String, BigInteger> consumerCharged;
  private transient MapState<String, InferenceEvent.PaymentVoucher> consumerVouchers;
  private transient Eip712Domain voucherDomain;
  private transient Counter consumersCharged;
  private transient Counter consumersUncovered;
  private transient Counter invalidVouchers;
  private transient Counter credits;
  private transient Counter lateCredits;
  private transient Counter settledEpochs;

  /**
   * @param distributor address of the RewardDistributor the roots are posted to; every leaf hash
   *     names it
   */
  public EpochTreeBuilder(SettlementSchedule schedule, String distributor) {
    this(schedule, distributor, null, 0);
  }

  /**
   * @param consumerEscrow address of the ConsumerEscrow whose vouchers pay for the events, or null
   *     when the distributor is funded externally (consumer charges are then not collected)
   * @param chainId the chain of the vouchers' EIP-712 domain
   */
  public EpochTreeBuilder(
      SettlementSchedule schedule, String distributor, String consumerEscrow, long chainId) {
    this.schedule = schedule;
    this.distributor = distributor;
    this.consumerEscrow = consumerEscrow;
    this.chainId = chainId;
    // Fails fast on a malformed address rather than at the first epoch.
    StandardMerkleTree.leafHash(distributor, new RewardLeaf(distributor, BigInteger.ZERO));
    if (consumerEscrow != null) {
      VoucherSignatures.domain(chainId, consumerEscrow);
    }
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
    openCharges =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "open-consumer-charges", Types.STRING, Types.POJO(ConsumerEpochTotal.class)));
    consumerCharged =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("consumer-charged", Types.STRING, Types.BIG_INT));
    consumerVouchers =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "consumer-vouchers",
                    Types.STRING,
                    Types.POJO(InferenceEvent.PaymentVoucher.class)));
    voucherDomain =
        consumerEscrow == null ? null : VoucherSignatures.domain(chainId, consumerEscrow);
    var metrics = getRuntimeContext().getMetricGroup().addGroup("payable").addGroup("settlement");
    consumersCharged = metrics.counter("consumersCharged");
    consumersUncovered = metrics.counter("consumersUncovered");
    invalidVouchers = metrics.counter("invalidVouchers");
    credits = metrics.counter("credits");
    lateCredits = metrics.counter("lateCredits");
    settledEpochs = metrics.counter("settledEpochs");
  }

  @Override
  public void processElement(RewardRecord reward, Context ctx, Collector<EpochRoot> out)
      throws Exception {
    if (reward.credits().isEmpty()) {
      return;
    }
    Long settled = lastSettled.value();
    long recordEpoch = reward.credits().get(0).epoch();
    long epoch =
        schedule.creditedEpoch(
            recordEpoch,
            ctx.timerService().currentWatermark(),
            settled == null ? Long.MIN_VALUE : settled);
    boolean late = epoch != recordEpoch;
    for (AccountCredit credit : reward.credits()) {
      credit(epoch, late, credit, ctx);
    }
    if (late) {
      lateCredits.inc(reward.credits().size());
      LOG.warn(
          "Reward {} of closed epoch {} credited to epoch {} (late)",
          reward.credits().get(0).eventId(),
          recordEpoch,
          epoch);
    }
    ConsumerCharge charge = reward.charge();
    if (charge != null && consumerEscrow != null) {
      String key = epoch + "/" + charge.consumer();
      ConsumerEpochTotal current = openCharges.get(key);
      InferenceEvent.PaymentVoucher highest = charge.voucher();
      if (current != null
          && current.voucher().cumulativeAmount().compareTo(highest.cumulativeAmount()) >= 0) {
        highest = current.voucher();
      }
      openCharges.put(
          key,
          new ConsumerEpochTotal(
              epoch,
              charge.consumer(),
              (current == null ? BigInteger.ZERO : current.feesWei()).add(charge.feeWei()),
              (current == null ? 0 : current.events()) + 1,
              highest));
    }
  }

  private void credit(long epoch, boolean late, AccountCredit credit, Context ctx)
      throws Exception {
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
    TreeMap<Long, TreeMap<String, ConsumerEpochTotal>> dueCharges = new TreeMap<>();
    done.clear();
    for (Map.Entry<String, ConsumerEpochTotal> e : openCharges.entries()) {
      ConsumerEpochTotal t = e.getValue();
      if (schedule.closeTime(t.epoch()) <= timestamp) {
        dueCharges.computeIfAbsent(t.epoch(), x -> new TreeMap<>()).put(t.consumer(), t);
        done.add(e.getKey());
      }
    }
    for (String key : done) {
      openCharges.remove(key);
    }
    for (Map.Entry<Long, TreeMap<String, AccountEpochTotal>> epoch : due.entrySet()) {
      settle(
          epoch.getKey(),
          epoch.getValue(),
          closeCharges(epoch.getKey(), dueCharges.getOrDefault(epoch.getKey(), new TreeMap<>())),
          ctx,
          out);
    }
  }

  /**
   * Runs the consumers charged in {@code epoch} through a {@link ConsumerChargeBook} loaded with
   * what the earlier epochs left them, stores the result and returns one entry per consumer.
   */
  private List<EpochConsumerCharge> closeCharges(
      long epoch, Map<String, ConsumerEpochTotal> charged) throws Exception {
    if (charged.isEmpty()) {
      return List.of();
    }
    ConsumerChargeBook book = new ConsumerChargeBook();
    for (String consumer : charged.keySet()) {
      BigInteger before = consumerCharged.get(consumer);
      book.restore(
          consumer, before == null ? BigInteger.ZERO : before, consumerVouchers.get(consumer));
    }
    for (ConsumerEpochTotal t : charged.values()) {
      InferenceEvent.PaymentVoucher v = t.voucher();
      if (!VoucherSignatures.isValid(
          voucherDomain,
          new Voucher(t.consumer(), v.cumulativeAmount(), v.expiry()),
          v.signature())) {
        invalidVouchers.inc();
        LOG.warn(
            "Voucher of consumer {} for {} wei in epoch {} is not signed by the consumer in the"
                + " escrow's domain; not used",
            t.consumer(),
            v.cumulativeAmount(),
            epoch);
        v = null;
      }
      book.charge(t.consumer(), t.feesWei(), v);
    }
    ConsumerChargeBook.ClosedEpoch closed = book.closeEpoch();
    Map<String, Redemption> redemptions = new TreeMap<>();
    closed.redemptions().forEach(r -> redemptions.put(r.voucher().voucher().consumer(), r));
    List<EpochConsumerCharge> out = new ArrayList<>(charged.size());
    for (ConsumerEpochTotal t : charged.values()) {
      String consumer = t.consumer();
      BigInteger cumulative = book.charged(consumer);
      InferenceEvent.PaymentVoucher v = book.voucher(consumer);
      consumerCharged.put(consumer, cumulative);
      if (v != null) {
        consumerVouchers.put(consumer, v);
      }
      boolean covered = redemptions.containsKey(consumer);
      if (!covered) {
        consumersUncovered.inc();
        LOG.warn(
            "Consumer {} is charged {} wei up to epoch {} but its vouchers cover {} wei:"
                + " not redeemed, the root waits until the distributor is funded",
            consumer,
            cumulative,
            epoch,
            v == null ? BigInteger.ZERO : v.cumulativeAmount());
      }
      consumersCharged.inc();
      out.add(
          new EpochConsumerCharge(
              consumer,
              t.feesWei(),
              cumulative,
              t.events(),
              v == null ? null : v.cumulativeAmount(),
              v == null ? 0 : v.expiry(),
              v == null ? null : v.signature(),
              covered));
    }
    return out;
  }

  private void settle(
      long epoch,
      Map<String, AccountEpochTotal> active,
      List<EpochConsumerCharge> consumerCharges,
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
            EpochManifest.hash(epoch, leaves),
            consumerCharges));
  }
}
