package io.payable.jobs.testing;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the tests that run jobs on a Flink MiniCluster ({@link TestClusters#failingFast()}: one
 * task manager, two slots, no restarts, so a failing job fails the test at once). The cluster
 * starts once per test class; {@code StreamExecutionEnvironment.getExecutionEnvironment()} submits
 * to it, and {@code @InjectMiniCluster} or {@code @InjectClusterClient} parameters reach it.
 */
public abstract class FlinkMiniClusterTestBase extends AbstractMiniClusterTestBase {

  @RegisterExtension protected static final MiniClusterExtension FLINK = TestClusters.failingFast();
}
