package io.payable.cli.loadgen;

import io.payable.loadgen.HostileInputs;
import io.payable.up.PlatformTopics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code payable loadgen hostile}: a test tool. Fills input topics with records every job must
 * reject without failing (null, empty, random bytes up to the topic's limit, deep and wide JSON,
 * and more): to check a deployment the way the hostile-input tests check the jobs.
 */
@Command(
    name = "hostile",
    mixinStandardHelpOptions = true,
    description =
        "Test tool: produce records that every job must reject without failing, up to each"
            + " topic's size limit.")
public final class HostileLoadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(
      names = "--topic",
      description = "Topic to fill (repeatable). Default: every job's input topic.")
  List<String> topics;

  @Option(names = "--seed", defaultValue = "22", description = "Seed of the random records.")
  long seed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<String> targets =
        topics != null
            ? topics
            : List.of(
                PlatformTopics.SUBMISSIONS,
                PlatformTopics.INFERENCE_EVENTS,
                PlatformTopics.REWARDS_ATTRIBUTED,
                PlatformTopics.INDEX_MANIFEST);
    for (String topic : targets) {
      // A little under the topic's limit: the record batch around one value takes some bytes.
      int max = maxMessageBytes(topic) - 128;
      List<byte[]> values = new ArrayList<>();
      HostileInputs.generic(seed + topic.hashCode(), max).forEach(h -> values.add(h.value()));
      List<Long> offsets = HostileInputs.produce(bootstrap, topic, values);
      out.printf(
          "%s: %d hostile records (largest %d bytes), partition 0, offsets %d..%d%n",
          topic, values.size(), max, offsets.get(0), offsets.get(offsets.size() - 1));
    }
    return 0;
  }

  private int maxMessageBytes(String topic) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Map<ConfigResource, org.apache.kafka.clients.admin.Config> configs =
          admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS);
      return Integer.parseInt(
          configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }
  }
}
