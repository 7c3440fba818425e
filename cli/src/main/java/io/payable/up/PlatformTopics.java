package io.payable.up;

import java.util.List;
import java.util.Map;

/** The Kafka topics of the platform, as the architecture names them. */
public final class PlatformTopics {

  public static final String SUBMISSIONS = "datanet.submissions";
  public static final String CURATION = "datanet.curation";
  public static final String SUBMISSION_REJECTIONS = "datanet.rejections";
  public static final String INDEX_MANIFEST = "index.manifest";
  public static final String INFLUENCE_MANIFEST = "influence.manifest";
  public static final String INFERENCE_EVENTS = "inference.events";
  public static final String INFERENCE_REJECTIONS = "inference.rejections";
  public static final String REWARDS_ATTRIBUTED = "rewards.attributed";
  public static final String REWARD_REJECTIONS = "rewards.rejections";

  public static final List<String> ALL =
      List.of(
          SUBMISSIONS,
          CURATION,
          SUBMISSION_REJECTIONS,
          INDEX_MANIFEST,
          INFLUENCE_MANIFEST,
          INFERENCE_EVENTS,
          INFERENCE_REJECTIONS,
          REWARDS_ATTRIBUTED,
          REWARD_REJECTIONS);

  /**
   * Topic settings that differ from the broker's defaults, as in deploy/k8s/topics.yaml: the input
   * topics take records larger than 1 MiB, which the jobs must survive.
   */
  public static Map<String, String> configs(String topic) {
    return switch (topic) {
      case SUBMISSIONS -> Map.of("max.message.bytes", "1100000");
      case SUBMISSION_REJECTIONS -> Map.of("max.message.bytes", "2200000");
      case INFERENCE_EVENTS, INFERENCE_REJECTIONS -> Map.of("max.message.bytes", "8388608");
      default -> Map.of();
    };
  }

  private PlatformTopics() {}
}
