package io.payable.settlement;

import io.payable.contracts.chain.KeySource;
import io.payable.contracts.client.PostedRoot;
import io.payable.contracts.client.RewardsClient;
import io.payable.contracts.generated.RewardDistributor;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Posts epoch roots, idempotently. Before posting epoch {@code e} it reads {@code
 * lastPostedEpoch()}: if the chain is at {@code e} or beyond, the committable is signalled as
 * already committed (as Iceberg's committer does with its max committed checkpoint id), after
 * checking that the root on chain for {@code e} is the one computed here. It never posts a total
 * above {@code totalFunded()} (the {@link FundingGate} upstream holds such roots back; this is the
 * last check). Chain errors are retried up to {@code maxAttempts} times with a pause; then the job
 * fails over and the restarted committer starts again from the chain's state.
 *
 * <p>An unreachable chain (the RPC endpoint refuses or drops connections) is not a failed attempt.
 * The {@link FundingGate} upstream holds every root while the chain is away, without blocking
 * checkpoints; a post already in flight when the chain goes away waits here with exponential
 * backoff (from {@code retryPauseMs}, doubling, at most {@link #MAX_BACKOFF_MS}), one log line per
 * wait, counted in {@code chainUnavailable} with {@code chainUnreachableSinceMs} set, for at most
 * {@link #MAX_OUTAGE_MS}, then fails over. Nothing is posted twice: every try reads {@code
 * lastPostedEpoch()} first, and a transaction that was sent but never mined (dropped from the
 * mempool) is sent again with the same nonce ({@link RootPoster}).
 *
 * <p>Once a root is on chain its {@code settlements} row is written ({@link SettlementLedger});
 * after a restart that row is completed from the chain's {@code RootPosted} event and receipt.
 */
public final class RootCommitter implements Committer<EpochRoot> {

  private static final Logger LOG = LoggerFactory.getLogger(RootCommitter.class);

  /** Longest wait between two tries while the chain is unreachable. */
  static final long MAX_BACKOFF_MS = 30_000;

  /**
   * How long a post in flight waits for an unreachable chain before the job fails over. Roots not
   * yet handed to the committer wait in the funding gate instead, without blocking checkpoints.
   */
  static final long MAX_OUTAGE_MS = 180_000;

  /**
   * @param maxAttempts attempts per root before the job fails over
   * @param retryPauseMs pause between attempts
   * @param receiptTimeoutMs how long to wait for a receipt
   */
  public record Settings(int maxAttempts, long retryPauseMs, long receiptTimeoutMs)
      implements Serializable {}

  private final DistributorEndpoint chain;
  private final SettlementLedger ledger;
  private final Settings settings;
  private final PostingHook hook;
  private final Counter posted;
  private final Counter alreadyPosted;
  private final Counter failedAttempts;
  private final Counter chainUnavailable;
  private final AtomicLong unreachableSince = new AtomicLong(0);
  private int consecutiveUnreachable;
  private final AtomicLong lastPostedEpoch = new AtomicLong(-1);
  private final AtomicLong lastGasUsed = new AtomicLong(0);
  private Web3j web3j;
  private RewardsClient reader;
  private RootPoster poster;

  RootCommitter(
      DistributorEndpoint chain,
      SettlementLedger ledger,
      Settings settings,
      PostingHook hook,
      MetricGroup metrics) {
    this.chain = chain;
    this.ledger = ledger;
    this.settings = settings;
    this.hook = hook;
    MetricGroup group = metrics.addGroup("payable").addGroup("settlement");
    this.posted = group.counter("rootsPosted");
    this.alreadyPosted = group.counter("rootsAlreadyPosted");
    this.failedAttempts = group.counter("postAttemptsFailed");
    this.chainUnavailable = group.counter("chainUnavailable");
    group.gauge("chainUnreachableSinceMs", unreachableSince::get);
    group.gauge("lastPostedEpoch", lastPostedEpoch::get);
    group.gauge("lastPostGasUsed", lastGasUsed::get);
  }

  private void connect() {
    if (web3j == null) {
      web3j = Web3j.build(new HttpService(chain.rpcUrl()));
      reader =
          new RewardsClient(
              RewardDistributor.load(
                  chain.distributor(),
                  web3j,
                  new ReadonlyTransactionManager(web3j, chain.distributor()),
                  new DefaultGasProvider()));
      poster =
          new RootPoster(
              web3j,
              chain.chainId(),
              chain.distributor(),
              KeySource.load(chain.keySource()),
              settings.receiptTimeoutMs());
    }
  }

  @Override
  public void commit(Collection<CommitRequest<EpochRoot>> requests) throws InterruptedException {
    List<CommitRequest<EpochRoot>> ordered = new ArrayList<>(requests);
    ordered.sort(Comparator.comparingLong(r -> r.getCommittable().epoch()));
    boolean blocked = false;
    for (CommitRequest<EpochRoot> request : ordered) {
      if (blocked) {
        // An earlier epoch could not be posted: later ones must wait for it.
        request.retryLater();
        continue;
      }
      blocked = !commitOne(request);
    }
  }

  /** Returns false when the request was left to retry later. */
  private boolean commitOne(CommitRequest<EpochRoot> request) throws InterruptedException {
    EpochRoot root = request.getCommittable();
    Exception last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      try {
        connect();
        OptionalLong onChain = reader.lastPostedEpoch();
        chainReachable();
        if (onChain.isPresent() && onChain.getAsLong() >= root.epoch()) {
          return alreadyOnChain(request, root);
        }
        BigInteger funded = reader.totalFunded();
        if (root.totalCumulativeWei().compareTo(funded) > 0) {
          LOG.warn(
              "Epoch {} needs a total of {} wei but RewardDistributor is funded with {} wei;"
                  + " not posting until it is funded",
              root.epoch(),
              root.totalCumulativeWei(),
              funded);
          request.retryLater();
          return false;
        }
        hook.beforePost(root.epoch());
        PostedRoot result = poster.post(root, hook);
        hook.afterPost(root.epoch());
        LOG.info(
            "Posted root {} of epoch {} (total {} wei, {} accounts) in tx {}, block {}, gas {}",
            root.root(),
            root.epoch(),
            root.totalCumulativeWei(),
            root.accounts(),
            result.transactionHash(),
            result.blockNumber(),
            result.gasUsed());
        ledger.record(root, result, SettlementLedger.POSTED);
        posted.inc();
        lastPostedEpoch.set(root.epoch());
        lastGasUsed.set(result.gasUsed());
        return true;
      } catch (InjectedFailure | InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (isUnreachable(e)) {
          // Waiting for the chain is not a failed attempt; after MAX_OUTAGE_MS the job fails
          // over and the restarted committer starts again from the chain's state.
          if (waitForChain(root, e)) {
            attempt--;
            continue;
          }
        }
        last = e;
      }
      failedAttempts.inc();
      LOG.warn(
          "Posting epoch {} failed (attempt {} of {}): {}",
          root.epoch(),
          attempt,
          settings.maxAttempts(),
          last.toString());
      Thread.sleep(settings.retryPauseMs());
    }
    request.signalFailedWithUnknownReason(last);
    return false;
  }

  /**
   * Waits out one backoff pause while the RPC endpoint is unreachable in the middle of a post;
   * false once the chain has been away for {@link #MAX_OUTAGE_MS}.
   */
  private boolean waitForChain(EpochRoot root, Exception cause) throws InterruptedException {
    chainUnavailable.inc();
    long now = System.currentTimeMillis();
    unreachableSince.compareAndSet(0, now);
    if (now - unreachableSince.get() >= MAX_OUTAGE_MS) {
      return false;
    }
    consecutiveUnreachable++;
    long pause =
        Math.min(
            MAX_BACKOFF_MS,
            settings.retryPauseMs() << Math.min(20, Math.max(0, consecutiveUnreachable - 1)));
    LOG.warn(
        "Chain RPC {} unreachable ({}); posting epoch {} waits {} ms (wait {} since {})",
        chain.rpcUrl(),
        rootCause(cause),
        root.epoch(),
        pause,
        consecutiveUnreachable,
        java.time.Instant.ofEpochMilli(unreachableSince.get()));
    Thread.sleep(pause);
    return true;
  }

  private void chainReachable() {
    if (unreachableSince.get() != 0) {
      LOG.info(
          "Chain RPC {} reachable again after {} ms",
          chain.rpcUrl(),
          System.currentTimeMillis() - unreachableSince.get());
    }
    unreachableSince.set(0);
    consecutiveUnreachable = 0;
  }

  /** Connection refused or reset, or a timeout: the endpoint is away, not the request wrong. */
  static boolean isUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.net.NoRouteToHostException
          || t instanceof java.io.EOFException
          || (t instanceof java.io.IOException
              && String.valueOf(t.getMessage()).contains("unexpected end of stream"))) {
        return true;
      }
    }
    return false;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The chain is at this epoch or beyond: check it is our root and complete the ledger. */
  private boolean alreadyOnChain(CommitRequest<EpochRoot> request, EpochRoot root)
      throws Exception {
    Optional<RewardDistributor.Distribution> posted =
        reader.distributions().stream()
            .filter(d -> !d.disabled && d.epoch.longValueExact() == root.epoch())
            .reduce((a, b) -> b);
    if (posted.isEmpty()) {
      LOG.warn(
          "Epoch {} was never posted but a later epoch is on chain; its amounts are in that root",
          root.epoch());
      ledger.record(root, null, SettlementLedger.SUPERSEDED);
      request.signalAlreadyCommitted();
      return true;
    }
    String onChainRoot = Numeric.toHexString(posted.get().root);
    if (!onChainRoot.equalsIgnoreCase(root.root())) {
      request.signalFailedWithKnownReason(
          new IllegalStateException(
              "epoch "
                  + root.epoch()
                  + " is on chain with root "
                  + onChainRoot
                  + ", this job computed "
                  + root.root()));
      return false;
    }
    LOG.info("Epoch {} is already on chain with root {}", root.epoch(), root.root());
    if (!ledger.has(root.epoch())) {
      ledger.record(root, findPosting(root).orElse(null), SettlementLedger.POSTED);
    }
    alreadyPosted.inc();
    lastPostedEpoch.set(Math.max(lastPostedEpoch.get(), root.epoch()));
    request.signalAlreadyCommitted();
    return true;
  }

  /** The transaction that posted {@code root}, from its RootPosted event. */
  private Optional<PostedRoot> findPosting(EpochRoot root) throws Exception {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(chain.fromBlock())),
            DefaultBlockParameterName.LATEST,
            chain.distributor());
    filter.addSingleTopic(EventEncoder.encode(RewardDistributor.ROOTPOSTED_EVENT));
    filter.addSingleTopic("0x" + TypeEncoder.encode(new Uint64(BigInteger.valueOf(root.epoch()))));
    EthLog logs = web3j.ethGetLogs(filter).send();
    PostedRoot found = null;
    for (EthLog.LogResult<?> result : logs.getLogs()) {
      Log log = (Log) result.get();
      var event = RewardDistributor.getRootPostedEventFromLog(log);
      if (Numeric.toHexString(event.root).equalsIgnoreCase(root.root())) {
        TransactionReceipt receipt =
            web3j
                .ethGetTransactionReceipt(log.getTransactionHash())
                .send()
                .getTransactionReceipt()
                .orElseThrow();
        found =
            new PostedRoot(
                root.epoch(),
                root.root(),
                log.getTransactionHash(),
                receipt.getBlockNumber().longValueExact(),
                receipt.getGasUsed().longValueExact());
      }
    }
    return Optional.ofNullable(found);
  }

  @Override
  public void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }

  /** Thrown by test hooks to simulate a crash; never retried. */
  public static class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InjectedFailure(String message) {
      super(message);
    }
  }
}
