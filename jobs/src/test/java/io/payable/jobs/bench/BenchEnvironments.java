package io.payable.jobs.bench;

import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The local environment every job benchmark runs in. */
final class BenchEnvironments {

  private BenchEnvironments() {}

  /**
   * A local environment that fails at once instead of restarting, with checkpoints on the file
   * system under {@code dir} (job state outgrows the JobManager's 5 MiB in-memory storage).
   */
  static StreamExecutionEnvironment local(Path dir, int parallelism) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            new Configuration()
                .set(RestartStrategyOptions.RESTART_STRATEGY, "none")
                .set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem")
                .set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    dir.resolve("checkpoints").toUri().toString()));
    env.setParallelism(parallelism);
    return env;
  }
}
