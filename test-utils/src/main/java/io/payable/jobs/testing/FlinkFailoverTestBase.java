package io.payable.jobs.testing;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the failover tests: like {@link FlinkMiniClusterTestBase}, but jobs restart from their
 * last checkpoint ({@link TestClusters#restarting()}), so a test can fail a task or a source and
 * watch the job recover.
 */
public abstract class FlinkFailoverTestBase extends AbstractMiniClusterTestBase {

  @RegisterExtension protected static final MiniClusterExtension FLINK = TestClusters.restarting();
}
