package io.payable.embedded.flink;

import java.net.URI;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink MiniCluster in this JVM, with its REST endpoint on a free loopback port.
 *
 * <p>Jobs reach it through {@link #environment()}, a remote environment pointed at the REST
 * endpoint: the same path a job takes to a real cluster, so the embedded runner exercises job
 * submission, not a shortcut. Tests use Flink's {@code MiniClusterExtension} instead.
 */
public final class EmbeddedFlinkCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFlinkCluster.class);

  private final MiniCluster miniCluster;
  private final URI restAddress;

  private EmbeddedFlinkCluster(MiniCluster miniCluster, URI restAddress) {
    this.miniCluster = miniCluster;
    this.restAddress = restAddress;
  }

  /** Starts a cluster of one task manager with {@code slots} task slots. */
  public static EmbeddedFlinkCluster start(int slots) {
    return start(slots, new Configuration());
  }

  public static EmbeddedFlinkCluster start(int slots, Configuration extra) {
    Configuration config = new Configuration();
    config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    config.set(RestOptions.ADDRESS, "127.0.0.1");
    config.set(RestOptions.BIND_PORT, "0");
    // The blob server and RPC endpoints bind to all interfaces unless told otherwise.
    config.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    config.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    config.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
    config.addAll(extra);
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
    try {
      cluster.start();
      URI rest = cluster.getRestAddress().get();
      LOG.info("Embedded Flink MiniCluster ready, REST at {}", rest);
      return new EmbeddedFlinkCluster(cluster, rest);
    } catch (Exception e) {
      try {
        cluster.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Could not start the Flink MiniCluster", e);
    }
  }

  public URI restAddress() {
    return restAddress;
  }

  /** An execution environment that submits jobs to this cluster over REST. */
  public StreamExecutionEnvironment environment() {
    return environment(new Configuration());
  }

  public StreamExecutionEnvironment environment(Configuration jobConfig) {
    return StreamExecutionEnvironment.createRemoteEnvironment(
        restAddress.getHost(), restAddress.getPort(), jobConfig);
  }

  public MiniCluster miniCluster() {
    return miniCluster;
  }

  @Override
  public void close() {
    try {
      miniCluster.close();
      LOG.info("Embedded Flink MiniCluster stopped");
    } catch (Exception e) {
      LOG.warn("Error while stopping the Flink MiniCluster", e);
    }
  }
}
