package io.payable.jobs.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the MiniCluster test bases share (as Flink's and Paimon's {@code AbstractTestBase} and
 * Fluss's {@code FlinkTestBase} do): a temporary directory per test and helpers to run a bounded
 * job or wait for a job's status. The subclasses {@link FlinkMiniClusterTestBase} and {@link
 * FlinkFailoverTestBase} add the cluster itself, one per test class.
 */
public abstract class AbstractMiniClusterTestBase {

  /** The longest a helper waits unless told otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /** A fresh directory per test, deleted afterwards. */
  @TempDir protected Path tempDir;

  /** An environment on the test class's MiniCluster, in BATCH mode, for bounded jobs. */
  protected static StreamExecutionEnvironment batchEnvironment() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    return env;
  }

  /**
   * Runs the job built on {@code env} to its end; fails with a {@link TimeoutException} (after
   * cancelling it) when it takes longer than {@code timeout}.
   */
  protected static JobExecutionResult runBounded(
      StreamExecutionEnvironment env, String name, Duration timeout) throws Exception {
    JobClient client = env.executeAsync(name);
    try {
      return client.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      client.cancel();
      throw new TimeoutException(name + " did not finish within " + timeout);
    }
  }

  /** {@link #runBounded(StreamExecutionEnvironment, String, Duration)} within two minutes. */
  protected static JobExecutionResult runBounded(StreamExecutionEnvironment env, String name)
      throws Exception {
    return runBounded(env, name, DEFAULT_TIMEOUT);
  }

  /** Waits until the job is {@code RUNNING}; fails when it ends first or after {@code timeout}. */
  protected static void awaitRunning(JobClient client, Duration timeout) throws Exception {
    JobStatus status = awaitStatus(client, timeout, EnumSet.of(JobStatus.RUNNING));
    if (status != JobStatus.RUNNING) {
      throw new IllegalStateException("job " + client.getJobID() + " ended " + status);
    }
  }

  /**
   * Waits until the job's status is one of {@code wanted} or terminal, and returns it; throws a
   * {@link TimeoutException} after {@code timeout}.
   */
  protected static JobStatus awaitStatus(JobClient client, Duration timeout, Set<JobStatus> wanted)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JobStatus status = client.getJobStatus().get();
      if (wanted.contains(status) || status.isGloballyTerminalState()) {
        return status;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "job " + client.getJobID() + " still " + status + " after " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
