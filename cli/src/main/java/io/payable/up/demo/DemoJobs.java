package io.payable.up.demo;

import io.payable.jobs.attribution.AttributionJob;
import io.payable.jobs.attribution.AttributionOptions;
import io.payable.jobs.common.IcebergOptions;
import io.payable.jobs.ingest.IngestJob;
import io.payable.jobs.ingest.IngestOptions;
import io.payable.jobs.settlement.SettlementJob;
import io.payable.jobs.settlement.SettlementOptions;
import io.payable.up.EmbeddedStack;
import io.payable.up.PlatformTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The ingest, attribution and settlement jobs on the stack's MiniCluster, configured for the demo
 * chain: attribution pays only for events carrying a consumer's voucher, checked against
 * ConsumerEscrow, and settlement funds each epoch's root by redeeming those vouchers from the
 * escrow. Checkpoints live under the data directory and are retained when a job is cancelled; a job
 * whose directory holds a completed checkpoint (a restart on the same data directory) is submitted
 * to restore from the latest one, so that it continues exactly where it stopped.
 */
final class DemoJobs implements AutoCloseable {

  private final EmbeddedStack stack;
  private final DemoChain chain;
  private final List<JobClient> jobs = new ArrayList<>();

  DemoJobs(EmbeddedStack stack, DemoChain chain) {
    this.stack = stack;
    this.chain = chain;
  }

  /** Submits the three jobs; returns the checkpoints they restore from (none on a first run). */
  List<String> start() throws Exception {
    String bootstrap = stack.kafka().bootstrapServers();
    List<String> restored = new ArrayList<>();
    jobs.add(run("payable-ingest", env -> IngestJob.build(env, ingestConfig(bootstrap)), restored));
    jobs.add(
        run(
            "payable-attribution",
            env -> AttributionJob.build(env, attributionConfig(bootstrap)),
            restored));
    jobs.add(
        run(
            "payable-settlement",
            env -> SettlementJob.build(env, settlementConfig(bootstrap)),
            restored));
    return restored;
  }

  private interface Topology {
    void build(StreamExecutionEnvironment env) throws Exception;
  }

  private JobClient run(String name, Topology topology, List<String> restored) throws Exception {
    Path checkpoints = stack.dataDir().resolve("checkpoints").resolve(name);
    Configuration config = new Configuration();
    config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    // Cancelling (the end of a run) keeps the last checkpoint for the next run to restore from.
    config.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    Optional<Path> latest = latestCheckpoint(checkpoints);
    if (latest.isPresent()) {
      config.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toUri().toString());
      // The new job owns the checkpoint it restores from: it is deleted once a newer one is
      // complete, so a data directory keeps one checkpoint per job however often it restarts.
      config.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
      restored.add(stack.dataDir().relativize(latest.get()).toString());
    }
    StreamExecutionEnvironment env = stack.flink().environment(config);
    env.setParallelism(1);
    topology.build(env);
    return env.executeAsync(name);
  }

  /**
   * The newest completed checkpoint under {@code dir} (one directory per job id, {@code chk-N}
   * directories holding a {@code _metadata} file once complete), if any.
   */
  static Optional<Path> latestCheckpoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.find(dir, 3, DemoJobs::isCompletedCheckpoint)) {
      return files
          .max(Comparator.comparing(DemoJobs::modified).thenComparing(DemoJobs::checkpointId))
          .map(Path::getParent);
    }
  }

  private static boolean isCompletedCheckpoint(Path file, BasicFileAttributes attributes) {
    return attributes.isRegularFile()
        && file.getFileName().toString().equals("_metadata")
        && file.getParent().getFileName().toString().matches("chk-\\d+");
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static long checkpointId(Path metadata) {
    return Long.parseLong(metadata.getParent().getFileName().toString().substring(4));
  }

  private Configuration ingestConfig(String bootstrap) {
    Configuration c = common();
    c.set(IngestOptions.BOOTSTRAP_SERVERS, bootstrap);
    c.set(IngestOptions.CURATION_TOPIC, PlatformTopics.CURATION);
    c.set(IngestOptions.CHAIN_RPC_URL, stack.chain().rpcUrl());
    c.set(IngestOptions.CHAIN_ID, stack.chain().chainId());
    c.set(IngestOptions.DATANET_REGISTRY, chain.deployment.datanetRegistry());
    c.set(IngestOptions.ANCHOR_KEY, "file:" + chain.keyFile(DemoChain.ANCHORER));
    c.set(IngestOptions.INDEX_STORE, stack.indexStore().toUri().toString());
    c.set(IngestOptions.SHARD_MAX_AGE, Duration.ofSeconds(5));
    c.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
    return c;
  }

  private Configuration attributionConfig(String bootstrap) {
    Configuration c = common();
    c.set(AttributionOptions.BOOTSTRAP_SERVERS, bootstrap);
    c.set(AttributionOptions.PROTOCOL_TREASURY, chain.deployment.timelock());
    c.set(AttributionOptions.CHAIN_RPC_URL, stack.chain().rpcUrl());
    c.set(AttributionOptions.MODEL_REGISTRY, chain.deployment.modelRegistry());
    c.set(AttributionOptions.DATANET_REGISTRY, chain.deployment.datanetRegistry());
    c.set(AttributionOptions.PROTOCOL_PARAMS, chain.deployment.protocolParams());
    // Only completions a consumer paid for with a voucher on the demo's escrow count.
    c.set(AttributionOptions.REQUIRE_VOUCHER, true);
    c.set(AttributionOptions.CONSUMER_ESCROW, chain.deployment.consumerEscrow());
    c.set(AttributionOptions.CHAIN_ID, stack.chain().chainId());
    c.set(AttributionOptions.CHAIN_REFRESH, Duration.ofSeconds(5));
    c.set(AttributionOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
    c.set(AttributionOptions.INDEX_CACHE_DIR, stack.dataDir().resolve("index-cache").toString());
    // The influence stores of the hybrid demo adapters, announced by the demo's training step.
    c.set(AttributionOptions.INFLUENCE_MANIFEST_TOPIC, PlatformTopics.INFLUENCE_MANIFEST);
    return c;
  }

  private Configuration settlementConfig(String bootstrap) {
    Configuration c = common();
    c.set(SettlementOptions.BOOTSTRAP_SERVERS, bootstrap);
    c.set(SettlementOptions.CHAIN_RPC_URL, stack.chain().rpcUrl());
    c.set(SettlementOptions.DEPLOYMENT, chain.deploymentFile.toString());
    c.set(SettlementOptions.SETTLER_KEY, "file:" + chain.keyFile(DemoChain.DEPLOYER));
    // Each epoch's payouts are funded by redeeming the consumers' vouchers from the escrow.
    c.set(SettlementOptions.CONSUMER_ESCROW, chain.deployment.consumerEscrow());
    c.set(SettlementOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2));
    c.set(SettlementOptions.ALLOWED_LATENESS, Duration.ofSeconds(5));
    c.set(SettlementOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(2));
    c.set(SettlementOptions.SOURCE_IDLE_TIMEOUT, Duration.ofSeconds(5));
    c.set(SettlementOptions.FUNDING_POLL_INTERVAL, Duration.ofSeconds(1));
    return c;
  }

  private Configuration common() {
    Configuration c = new Configuration();
    c.set(IcebergOptions.WAREHOUSE, stack.warehouse().location());
    return c;
  }

  /**
   * Cancels the jobs and waits until each has stopped: a cancel is acknowledged before the tasks
   * end, and a settlement task could still redeem and post a root in between.
   */
  @Override
  public void close() {
    for (JobClient job : jobs) {
      try {
        job.cancel().get();
      } catch (Exception e) {
        // the cluster may be gone already
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (JobClient job : jobs) {
      try {
        while (!job.getJobStatus().get().isGloballyTerminalState()
            && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // the cluster may be gone already
      }
    }
    jobs.clear();
  }
}
