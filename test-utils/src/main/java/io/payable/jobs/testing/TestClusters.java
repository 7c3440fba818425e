package io.payable.jobs.testing;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniClusters of the job tests: one task manager with two slots. */
public final class TestClusters {

  private TestClusters() {}

  /** A job that fails fails the test at once, instead of restarting until a timeout. */
  public static MiniClusterExtension failingFast() {
    return cluster(new Configuration().set(RestartStrategyOptions.RESTART_STRATEGY, "none"));
  }

  /** Jobs restart from their last checkpoint, for failover tests. */
  public static MiniClusterExtension restarting() {
    return cluster(
        new Configuration()
            .set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay")
            .set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10)
            .set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500)));
  }

  private static MiniClusterExtension cluster(Configuration config) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(config)
            .build());
  }
}
